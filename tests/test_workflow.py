"""The GitHub Actions workflow keeps the delivery rules docs/ci-cd.md promises."""

from __future__ import annotations

import json
import os
import subprocess

import yaml
from conftest import ROOT

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "pulumi.yml").read_text())
JOBS = WORKFLOW["jobs"]


def _uses(job: str, action: str) -> dict:
    return next(step for step in JOBS[job]["steps"] if step.get("uses", "").startswith(action))


def test_triggers_and_default_permissions():
    triggers = WORKFLOW[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"pull_request", "push"}
    assert WORKFLOW["permissions"] == {}


def test_every_job_declares_least_privilege_permissions():
    assert JOBS["test"]["permissions"] == {"contents": "read"}
    assert JOBS["preview"]["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    assert JOBS["deploy"]["permissions"] == {"contents": "read", "id-token": "write"}


def test_pull_requests_test_then_preview_with_the_policy_pack_and_comment():
    assert JOBS["test"]["steps"][-1]["run"] == "make test"
    assert JOBS["preview"]["needs"] == "test"
    preview = _uses("preview", "pulumi/actions")["with"]
    assert preview["command"] == "preview"
    assert preview["policyPacks"] == "policy"
    assert preview["comment-on-pr"] is True


def test_main_deploys_behind_the_production_environment_one_at_a_time():
    deploy = JOBS["deploy"]
    assert deploy["environment"] == "production"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert "PULUMI_STACK" in deploy["concurrency"]["group"]
    up = _uses("deploy", "pulumi/actions")["with"]
    assert (up["command"], up["policyPacks"]) == ("up", "policy")


def test_aws_credentials_come_from_oidc_only():
    text = (ROOT / ".github" / "workflows" / "pulumi.yml").read_text()
    assert "AWS_ACCESS_KEY_ID" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    for job in ("preview", "deploy"):
        assert (
            _uses(job, "aws-actions/configure-aws-credentials")["with"]["role-to-assume"]
            == "${{ vars.AWS_ROLE_ARN }}"
        )


def test_dependencies_are_cached_and_backend_and_stack_configurable():
    for job in JOBS:
        assert _uses(job, "actions/setup-python")["with"]["cache"] == "pip"
    assert WORKFLOW["env"]["PULUMI_STACK"] == "${{ vars.PULUMI_STACK || 'production' }}"
    assert (
        _uses("deploy", "pulumi/actions")["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    )


def test_the_policy_packs_virtualenv_is_prepared_before_the_cli_needs_it():
    """pulumi/actions installs nothing for `policyPacks`, and the CLI starts a local Python pack
    in the virtualenv PulumiPolicy.yaml names without creating it (pulumi/pulumi
    sdk/python/cmd/pulumi-language-python/main.go, RunPlugin has no EnsureVenv)."""
    policy = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    for job in ("preview", "deploy"):
        steps = JOBS[job]["steps"]
        pack_dir = _uses(job, "pulumi/actions")["with"]["policyPacks"]
        venv = f"{pack_dir}/{policy['runtime']['options']['virtualenv']}"
        runs = [step.get("run", "") for step in steps]
        prepare = next(i for i, run in enumerate(runs) if f"python -m venv {venv}" in run)
        assert f"{venv}/bin/python -m pip install" in runs[prepare]
        assert f"-r {pack_dir}/requirements.txt" in runs[prepare]
        pulumi = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("pulumi/"))
        assert prepare < pulumi


def test_pull_requests_get_an_offline_change_plan_without_credentials():
    plan = JOBS["plan"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert plan["permissions"] == {"contents": "read"}
    assert "environment" not in plan and "needs" not in plan
    checkout = _uses("plan", "actions/checkout")["with"]
    assert checkout == {"persist-credentials": False, "fetch-depth": 0}
    assert "secrets." not in yaml.safe_dump(plan)


def test_the_change_plan_step_writes_the_plan_to_the_job_summary(tmp_path, cli_render):
    (step,) = [
        s for s in JOBS["plan"]["steps"] if s.get("name") == "Change plan against the base branch"
    ]
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    base = tmp_path / "base.json"
    rendered = cli_render("--json")
    assert rendered.returncode == 0, rendered.stderr
    base.write_text(rendered.stdout)
    summary = tmp_path / "summary.md"
    environment = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE_SHA": str(base),
        "PULUMI_STACK": "production",
    }
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = summary.read_text().splitlines()
    assert lines[:2] == ["### Offline change plan (production)", "```text"]
    assert lines[2].startswith(f"Change plan (production): {base} => this working tree")
    unchanged = len(json.loads(base.read_text())["resources"])
    assert f"    0 changes. {unchanged} unchanged" in lines and lines[-1] == "```"


def test_a_failed_stage_of_a_pipe_fails_the_step(tmp_path):
    # `shell: bash` makes GitHub run each step with `bash --noprofile --norc -eo pipefail {0}`
    # (the default for a bare `run:` is `bash -e {0}`, which lets `make plan ... | tee` pass).
    assert WORKFLOW["defaults"] == {"run": {"shell": "bash"}}
    assert all("shell" not in step for job in JOBS.values() for step in job["steps"])
    (step,) = [
        s for s in JOBS["plan"]["steps"] if s.get("name") == "Change plan against the base branch"
    ]
    environment = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "BASE_SHA": "no-such-commit",
        "PULUMI_STACK": "production",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "neither a saved `synth --json` file nor a commit" in done.stderr
