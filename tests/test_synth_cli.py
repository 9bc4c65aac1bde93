"""The synth CLI contract: output shape, exit codes, and a quiet stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, imports_and_messages, run_synth

pytestmark = pytest.mark.heavy(seconds=7)

run = run_synth


def test_json_document_shape(cli_render):
    done = cli_render("--json")
    assert done.returncode == 0 and done.stderr == ""
    document = json.loads(done.stdout)
    assert set(document) == {"project", "stack", "resources", "outputs", "warnings"}
    assert (document["project"], document["stack"]) == ("programador-musical", "production")
    assert document["warnings"] == []
    for resource in document["resources"]:
        assert set(resource) == {
            "urn",
            "type",
            "name",
            "parent",
            "protect",
            "options",
            "inputs",
            "assigned",
            "dependencies",
        }
        assert set(resource["options"]) == {
            "protect",
            "retainOnDelete",
            "deleteBeforeReplace",
            "ignoreChanges",
            "replaceOnChanges",
            "additionalSecretOutputs",
            "dependsOn",
            "aliases",
        }
        assert resource["options"]["protect"] == resource["protect"]
    secret = next(
        r for r in document["resources"] if r["type"] == "aws:secretsmanager/secret:Secret"
    )
    assert secret["type"] == "aws:secretsmanager/secret:Secret"
    assert ":secret:programador-musical-production-" in document["outputs"]["appSecretsArn"]
    suffix = document["outputs"]["appSecretsArn"].rsplit("-", 1)[1]
    assert len(suffix) == 6 and suffix.isalnum()


def test_text_tree_marks_protection_and_secrets(cli_render):
    done = cli_render()
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    secret = lines.index("        + aws:secretsmanager/secret:Secret: (create)")
    assert lines[secret + 1] == "            [name=application-secrets-app-secrets] [protect]"
    assert "            secretString: [secret]" in lines


def test_config_the_cli_refuses_exits_2_with_the_clis_message():
    done = run("--config", "databasePort=abc")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "error: validating stack config: Stack 'production' with configuration key "
        "'databasePort' must be of type 'integer'\n"
        "hint: `programador-musical:databasePort` = 'abc'\n"
    )


def test_bad_config_exits_2_with_only_the_errors_on_stderr():
    done = run("--config", "databasePort=0", "--config", "databaseHost=")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("invalid stack configuration (2 problem(s))")
    assert any("programador-musical:databasePort" in line for line in lines)
    assert any("programador-musical:databaseHost" in line for line in lines)
    assert "Traceback" not in done.stderr


def test_unknown_stack_exits_3_with_one_line_before_the_sdk_is_imported():
    """Known from the files alone: without the SDK's import (a tenth of a second)."""
    done = run("--stack", "nope", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 3
    imported, messages = imports_and_messages(done.stderr)
    assert len(messages) == 1 and "pulumi stack init nope" in messages[0]
    assert "harness.stack_loading" in imported and "pulumi" not in imported


def test_usage_errors_exit_64_with_one_line():
    for args in (["--bogus"], ["--config", "no-equals-sign"]):
        done = run(*args)
        assert done.returncode == 64, args
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr


# In a process of its own: its exit hooks close the loops, which its synths cannot then use.
LOOPS_AT_EXIT = """
import asyncio, atexit, threading
from harness import mock_cloud
from harness.synth import synthesize

loops = set()
new_resource = mock_cloud.MockCloud.new_resource

def noting_the_loop(self, args):
    if threading.current_thread() is not threading.main_thread():
        loops.add(asyncio.get_event_loop())
    return new_resource(self, args)

mock_cloud.MockCloud.new_resource = noting_the_loop
synthesize()
synthesize(overrides={"appName": "second-synth"})
atexit._run_exitfuncs()
print(len(loops), sum(loop.is_closed() for loop in loops))
"""


def test_the_event_loops_of_the_sdks_threads_are_closed_at_exit():
    """MockMonitor registers resources on executor threads, each with an event loop it never
    closes; left to interpreter shutdown, those loops once printed tracebacks on stderr about one
    run in three, so six CLI runs stood guard here. With the pinned SDK the tracebacks no longer
    show even without the fix (harness/recording_monitor.py, which closes them at exit): six runs
    could not fail. This checks the fix itself, in one process: every loop a registration ran
    on is closed by the exit hooks."""
    done = subprocess.run(
        [sys.executable, "-c", LOOPS_AT_EXIT], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    used, closed = map(int, done.stdout.split())
    assert used > 0 and closed == used


def test_the_sdk_sends_source_positions_again_after_a_synth_even_a_failed_one():
    """The offline synth stands down the SDK's per-resource stack extraction while its program
    runs (harness/sdk_internals.py); a program in this process afterwards (the engine tier's
    inline programs) must get it back, also after a program that failed."""
    import pulumi.runtime.resource as runtime_resource

    from harness.synth import synthesize
    from settings import ConfigError

    extract = runtime_resource._get_stack_trace
    synthesize()
    with pytest.raises(ConfigError):
        synthesize(overrides={"appName": "Not A Valid Name"})
    assert runtime_resource._get_stack_trace is extract


@pytest.mark.parametrize("enabled_before", [True, False], ids=["collector-on", "collector-off"])
def test_the_collector_is_paused_while_a_program_runs_and_left_as_it_was(enabled_before):
    """harness/synth.py pauses Python's cyclic collector for a program's run (its asyncio
    objects are garbage only at the end); a test process gets it back on after each synth, a
    one-shot process that turned it off (tools/synth.py) keeps it off, also after a failure."""
    import gc

    from harness.mock_cloud import MockCloud
    from harness.synth import synthesize
    from settings import ConfigError

    class Noting(MockCloud):
        collecting: list[bool] = []

        def new_resource(self, args):
            self.collecting.append(gc.isenabled())
            return super().new_resource(args)

    (gc.enable if enabled_before else gc.disable)()
    try:
        synthesize(mocks=Noting(region="us-east-1"))
        after_synth = gc.isenabled()
        with pytest.raises(ConfigError):
            synthesize(overrides={"appName": "Not A Valid Name"})
        after_failure = gc.isenabled()
    finally:
        gc.enable()
    assert Noting.collecting and not any(Noting.collecting)
    assert after_synth is enabled_before and after_failure is enabled_before
