"""The CrossGuard pack through the real engine: `pulumi preview --policy-pack policy`, the pack
started as the Python language host starts one (`python -m pulumi.policy`, engine/language_host.py)
with the values a preview knows (outputs of resources being created are unknown to it). It runs
every rule, reports what the offline check (`make policy`) reports on each committed stack, and
refuses a config that breaks a rule with that rule's name."""

from __future__ import annotations

import re

import pytest
from conftest import synth
from engine_tier import STACKS

from tools.policy_check import check

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=34)]

REPORTED = re.compile(r"- \[(\w+)\]\s+(\S+)\s+\((\S+): (\S+)\)")


def _preview_with_the_pack(engine, stack: str, *config: str):
    project = engine.project(label=f"policy-{stack}")
    engine.init_stack(project, stack).check()
    for pair in config:
        key, _, value = pair.partition("=")
        engine.pulumi(project, "config", "set", "--stack", stack, key, value).check()
    return engine.pulumi(project, "preview", "--stack", stack, "--policy-pack", "policy")


def _engine_reports(output: str) -> set[tuple[str, str, str]]:
    """(enforcement, policy, resource's logical name) of each line the CLI prints."""
    return {(level, policy, name) for level, policy, _, name in REPORTED.findall(output)}


@pytest.mark.parametrize("stack", STACKS)
def test_every_rule_runs_in_a_preview_and_reports_what_the_offline_check_does(engine, stack):
    done = _preview_with_the_pack(engine, stack)
    assert done.returncode == 0, done.tail()
    assert "Loading policy packs...: done" in done.stdout
    assert "can't run policy" not in done.stdout
    offline = {
        (v.enforcement, v.policy, v.resource.rsplit("::", 1)[-1]) for v in check(synth(stack))
    }
    assert _engine_reports(done.stdout) == offline
    assert all(level == "advisory" for level, _, _ in offline)


@pytest.mark.parametrize(
    ("config", "rule"),
    [
        ("protect=false", "production-secrets-protected"),
        ("rotationManaged=false", "rotated-secrets-have-a-schedule"),
    ],
)
def test_a_config_that_breaks_a_rule_is_refused_with_the_rules_name(engine, config, rule):
    done = _preview_with_the_pack(engine, "production", config)
    assert done.returncode != 0
    assert ("mandatory", rule) in {
        (level, policy) for level, policy, _ in _engine_reports(done.stdout)
    }


def test_a_threshold_is_the_policys_config_the_engine_hands_over(engine, tmp_path):
    """`--policy-pack-config` as docs/guardrails.md gives it: staging keeps the shortest window,
    7 days, which the default allows and a stricter minimumDays refuses, as the offline check
    does with the same config."""
    stricter = tmp_path / "policy-config.json"
    stricter.write_text('{"secrets-recovery-window": {"minimumDays": 14}}')
    project = engine.project(label="policy-config")
    engine.init_stack(project, "staging").check()
    done = engine.pulumi(
        project, "preview", "--stack", "staging", "--policy-pack", "policy",
        "--policy-pack-config", str(stricter),
    )  # fmt: skip
    assert done.returncode != 0
    refused = {(p, name) for level, p, name in _engine_reports(done.stdout) if level == "mandatory"}
    assert refused == {
        ("secrets-recovery-window", "application-secrets-app-secrets"),
        ("secrets-recovery-window", "application-secrets-db-credentials"),
    }
    assert "set recoveryWindowInDays to 14-30" in done.stdout
