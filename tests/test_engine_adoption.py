"""Adoption through the real engine: `manage-secrets adopt` against the setup the old script and
Terraform left (tests/test_adopt.py's), then, as docs/adopting.md says, `sh config.sh`,
`pulumi import --file` with what adopt wrote, and `pulumi preview`. The import lands every entry
on the program's URNs, the preview changes exactly what adopt said it would (its changes.json,
each change with the config key it depends on), and nothing in AWS changes on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from test_adopt import adopt, old_setup

from engine.session import Result
from harness.synth import ROOT
from stack_model.naming import StackNames

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=22)]

NAMES = StackNames("programador-musical", "production")
# Production's committed config, which the conditions in changes.json are read against.
PRODUCTION = {"kmsCustomerManagedKey": True, "replicaRegions": ["us-west-2"]}


def _aws_state(engine) -> dict:
    moto = engine.moto
    secrets = moto.client("secretsmanager")
    iam = moto.client("iam")
    return {
        "secrets": {
            name: secrets.get_secret_value(SecretId=name)["SecretString"]
            for name in (NAMES.app_secrets, NAMES.db_credentials)
        },
        "policy": iam.get_role_policy(
            RoleName=NAMES.execution_role, PolicyName=NAMES.execution_secrets_policy
        )["PolicyDocument"],
        "tasks": moto.client("ecs").list_task_definitions()["taskDefinitionArns"],
    }


def _holds(when: str | None) -> bool:
    return when is None or bool(PRODUCTION.get(when.lstrip("!"))) != when.startswith("!")


@pytest.fixture(scope="module")
def adopted(engine, tmp_path_factory):
    engine.moto.reset()
    old_setup(engine.moto, NAMES)
    before = _aws_state(engine)
    out = tmp_path_factory.mktemp("adopt") / "adopt-production"
    done = adopt(engine.moto, NAMES, out)
    assert done.returncode == 0, done.stderr
    project = engine.project(label="adopting")
    engine.init_stack(project, "production").check()
    # config.sh as the runbook runs it: `manage-secrets` and `pulumi` on PATH.
    shim = tmp_path_factory.mktemp("bin")
    (shim / "manage-secrets").write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m manage_secrets "$@"\n'
    )
    (shim / "manage-secrets").chmod(0o755)
    env = engine.env(project)
    env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    replayed = subprocess.run(
        ["sh", str(out / "config.sh")], cwd=project, env=env, capture_output=True, text=True
    )
    assert replayed.returncode == 0, replayed.stderr
    imported = engine.pulumi(
        project, "import", "--stack", "production", "--file", str(out / "import.json"),
        "--generate-code=false", "--yes",
    ).check()  # fmt: skip
    preview = engine.pulumi(project, "preview", "--stack", "production", "--json", "--diff")
    return before, out, imported, Result.check(preview).json()


def test_every_entry_is_imported_onto_the_programs_urns(adopted):
    _, out, imported, preview = adopted
    entries = json.loads((out / "import.json").read_text())["resources"]
    resources = [e for e in entries if not e.get("component")]
    assert f"= {len(entries)} imported" in imported.stdout
    matched = {
        (step["urn"].split("::")[-2].rsplit("$", 1)[-1], step["urn"].rsplit("::", 1)[-1])
        for step in preview["steps"]
        if step["op"] != "create"
    }
    for entry in resources:
        assert (entry["type"], entry.get("logicalName") or entry["name"]) in matched, entry


def test_the_preview_changes_exactly_what_adopt_said(adopted):
    _, out, _, preview = adopted
    said = {
        (change["type"], change["name"], change["op"], prop)
        for change in json.loads((out / "changes.json").read_text())
        if _holds(change["when"])
        for prop in change["properties"]
    }
    shown = {
        (
            step["urn"].split("::")[-2].rsplit("$", 1)[-1],
            step["urn"].rsplit("::", 1)[-1],
            step["op"],
            prop,
        )
        for step in preview["steps"]
        if step["op"] in ("update", "replace")
        for prop in step.get("diffReasons") or []
    }
    assert shown == said


def test_nothing_in_aws_changed(adopted, engine):
    before = adopted[0]
    assert _aws_state(engine) == before
