"""The offline harness: the program run under Pulumi mocks (synth.py, mock_cloud.py,
mock_states.py, recording_monitor.py), the stack's config loaded and validated as the Pulumi CLI
does (stack_loading.py, pulumi_cli/), the preview-shaped text (preview.py), and the change plan
(change_plan.py, plan_base.py, force_new.py). The commands in tools/ and the tests use it."""
