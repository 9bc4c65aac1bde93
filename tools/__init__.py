"""Development commands, run from a checkout: `python -m tools.synth` (the offline synth and change
plan), `tools.policy_check` (the CrossGuard pack offline), `tools.project_config` and
`tools.docs_tables` (the generated parts of Pulumi.yaml and the docs)."""
