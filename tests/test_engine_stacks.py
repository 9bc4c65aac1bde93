"""The committed stacks through the real engine (tests/engine_tier.py): `pulumi preview` of each
declares what the offline synth declares, URN for URN; `pulumi up` followed by `pulumi preview
--expect-no-changes` finds nothing to do; `pulumi destroy` stops at the protected resources; the
operations CLI, its doctor and the old guide's aws commands work on what the engine made."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, synth
from engine_tier import STACKS, preview_json, stack_up, steps

from tests.support.aws_emulator import emulator_env

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=39)]


@pytest.mark.parametrize("stack", STACKS)
def test_the_engine_previews_exactly_what_the_offline_synth_declares(engine, stack):
    project = engine.project(label=f"committed-{stack}")
    engine.init_stack(project, stack).check()
    planned = steps(preview_json(engine, project, stack))
    stack_urn = (
        f"urn:pulumi:{stack}::programador-musical::pulumi:pulumi:Stack::programador-musical-{stack}"
    )
    assert set(planned) == {r["urn"] for r in synth(stack).resources} | {stack_urn}
    assert set(planned.values()) == {"create"}


def test_make_preview_prints_the_clis_own_preview_with_the_synths_count(engine):
    """The command docs/development.md gives."""
    synthesized = len(synth("staging").resources)
    done = subprocess.run(
        ["make", "--no-print-directory", "preview", "STACK=staging"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Previewing update (staging):" in done.stdout
    assert re.search(rf"\+ {synthesized + 1} to create\n", done.stdout)


@pytest.fixture(scope="module")
def deployed(engine):
    """Production, brought up once through the engine for the tests below."""
    project = engine.project(label="deployed")
    stack_up(engine, project, "production")
    return project


def _emulator(engine) -> dict:
    """Every resource name the emulator holds, per kind, to see whether anything changed."""
    moto = engine.moto
    return {
        "secrets": sorted(
            (s["Name"], s.get("DeletedDate") is not None)
            for s in moto.client("secretsmanager").list_secrets()["SecretList"]
        ),
        "keys": sorted(
            (
                k["KeyId"],
                moto.client("kms").describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"],
            )
            for k in moto.client("kms").list_keys()["Keys"]
        ),
        "roles": sorted(r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]),
        "alarms": sorted(
            a["AlarmName"] for a in moto.client("cloudwatch").describe_alarms()["MetricAlarms"]
        ),
        "buckets": sorted(b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]),
    }


def test_up_then_preview_expects_no_changes(engine, deployed):
    done = engine.pulumi(deployed, "preview", "--stack", "production", "--expect-no-changes")
    assert done.returncode == 0, done.tail()
    assert re.search(r"\n\s+\d+ unchanged\n", done.stdout)


def test_the_generated_values_are_secret_in_the_state(engine, deployed):
    exported = engine.pulumi(deployed, "stack", "export", "--stack", "production").check().json()
    resources = exported["deployment"]["resources"]
    by_type: dict[str, list] = {}
    for resource in resources:
        by_type.setdefault(resource["type"], []).append(resource)
    secret_sig = "4dabf18193072939515e22adb298388d"
    for password in by_type["random:index/randomPassword:RandomPassword"]:
        assert secret_sig in json.dumps(password["outputs"]["result"])
    for version in by_type["aws:secretsmanager/secretVersion:SecretVersion"]:
        assert "ciphertext" in version["outputs"]["secretString"]
        assert "ciphertext" in version["inputs"]["secretString"]
    # No plaintext value of a secret anywhere in the exported state.
    values = engine.moto.client("secretsmanager").get_secret_value(
        SecretId="programador-musical-production-app-secrets"
    )["SecretString"]
    for value in json.loads(values).values():
        if isinstance(value, str):  # the keys; not the generation number
            assert value not in json.dumps(exported)
    # The digest the redeployment watches is kept as secret as the keys it is made of.
    watchers = [r for r in by_type["pulumi-python:dynamic:Resource"] if "watched" in r["inputs"]]
    assert watchers
    for watcher in watchers:
        assert "ciphertext" in json.dumps(watcher["inputs"]["watched"])
        assert "ciphertext" in json.dumps(watcher["outputs"]["watched"])


def test_the_cli_and_the_guides_commands_work_on_what_the_engine_made(engine, deployed):
    env = emulator_env(engine.moto.endpoint)

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    doctor = run(sys.executable, "-m", "manage_secrets", "doctor", "--stack", "production")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert " 0 failed" in doctor.stdout
    listed = run(sys.executable, "-m", "manage_secrets", "list", "--json")
    assert {
        "programador-musical-production-app-secrets",
        "programador-musical-production-db-credentials",
    } <= {s["name"] for s in json.loads(listed.stdout)}
    aws = [sys.executable, "-m", "awscli"]
    for command in (
        ["iam", "get-role-policy", "--role-name", "programador-musical-production-ecs-execution-role",
         "--policy-name", "programador-musical-production-ecs-execution-secrets"],
        ["secretsmanager", "describe-secret", "--secret-id", "programador-musical-production-app-secrets"],
        ["ecs", "describe-task-definition", "--task-definition", "programador-musical-production-app"],
        ["iam", "list-attached-role-policies", "--role-name",
         "programador-musical-production-ecs-execution-role"],
        ["secretsmanager", "list-secret-version-ids", "--secret-id",
         "programador-musical-production-app-secrets"],
    ):  # fmt: skip
        done = run(*aws, *command)
        assert done.returncode == 0, f"aws {' '.join(command)}: {done.stderr}"


def test_a_new_stack_with_rotation_on_writes_every_field_once(engine, deployed):
    state = engine.pulumi(deployed, "stack", "export", "--stack", "production").check().json()
    by_name = {r["urn"].rsplit("::", 1)[-1]: r for r in state["deployment"]["resources"]}
    written = by_name["application-secrets-db-credentials"]["outputs"]["versionId"]
    merged = by_name["application-secrets-db-credentials-fields"]["outputs"]["versionId"]
    assert merged == written  # nothing to merge: AWSCURRENT is the stack's own first version
    current = engine.moto.client("secretsmanager").get_secret_value(
        SecretId="programador-musical-production-db-credentials"
    )
    values = json.loads(current["SecretString"])
    assert {"username", "password", "engine", "host", "port", "dbname", "masterarn"} <= set(values)


def test_destroy_is_refused_for_the_protected_resources_and_leaves_the_emulator_alone(
    engine, deployed
):
    before = _emulator(engine)
    done = engine.pulumi(deployed, "destroy", "--stack", "production", "--yes")
    assert done.returncode != 0
    assert "protect" in done.stdout + done.stderr
    assert _emulator(engine) == before
