"""A running stack upgraded through the real engine: production brought up with the program of an
earlier commit, then previewed and brought up with this one. What the engine does per URN is what
`make plan BASE=<commit>` says; nothing aliased is created or deleted; nothing protected is
replaced; the secrets keep their values; production ends up in the rotation-ready shape."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from engine_tier import preview_json, steps, up_as_an_operator_would

from engine.session import EngineSession
from harness.synth import ROOT

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=43)]

UPGRADES = {
    # c5c7c73 gave children logical names of their own, with aliases to the old ones.
    "before the logical-name change": "45a8761",
    # 3af20ba brought managed rotation (db-credentials gains masterarn and a schedule).
    "before managed rotation": "6abb751",
}
SECRETS = (
    "programador-musical-production-app-secrets",
    "programador-musical-production-db-credentials",
)


def planned_steps(commit: str) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--diff", commit, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {step["urn"]: step["op"] for step in json.loads(done.stdout)["steps"]}


def _values(engine: EngineSession) -> dict[str, dict]:
    client = engine.moto.client("secretsmanager")
    return {
        name: json.loads(client.get_secret_value(SecretId=name)["SecretString"]) for name in SECRETS
    }


@pytest.fixture(scope="module", params=list(UPGRADES), ids=list(UPGRADES))
def upgrade(request, engine):
    commit = UPGRADES[request.param]
    engine.moto.reset()  # each upgrade on an empty account
    old = engine.commit(commit, label=f"at-{commit}")
    engine.init_stack(old, "production").check()
    up_as_an_operator_would(engine, old)
    state = engine.pulumi(old, "stack", "export", "--stack", "production").check().json()
    before = _values(engine)
    new = engine.project(label=f"after-{commit}", backend_of=old)
    preview = preview_json(engine, new, "production", "--diff")
    return commit, state, before, new, preview


def test_the_engine_steps_are_the_change_plans(upgrade):
    commit, _, _, _, preview = upgrade
    engine_steps = {urn: op for urn, op in steps(preview).items() if op != "same"}
    assert engine_steps == planned_steps(commit)


def test_nothing_aliased_is_created_or_deleted_and_nothing_protected_replaced(upgrade):
    _, state, _, _, preview = upgrade
    old = {r["urn"]: r for r in state["deployment"]["resources"]}
    for step in preview["steps"]:
        new_state = step.get("newState") or {}
        aliases = set(new_state.get("aliases") or [])
        if step["op"] == "create":
            assert not aliases & set(old), f"{step['urn']} is created though it had a name before"
        assert step["op"] != "delete" or step["urn"] not in {
            alias
            for s in preview["steps"]
            for alias in (s.get("newState") or {}).get("aliases") or []
        }
        if step["op"] == "replace":
            previous = old.get(step["urn"]) or {}
            assert not previous.get("protect"), f"{step['urn']} is protected and would be replaced"


def test_after_up_the_secrets_keep_their_values_and_production_can_rotate(upgrade, engine):
    _, _, before, new, _ = upgrade
    engine.pulumi(new, "up", "--stack", "production", "--yes", "--skip-preview").check()
    after = _values(engine)
    for name in SECRETS:
        kept = {k: v for k, v in before[name].items() if k in after[name]}
        assert kept == {k: after[name][k] for k in kept}, f"{name} changed a value"
    credentials = after["programador-musical-production-db-credentials"]
    assert {"username", "password", "engine", "host", "port", "dbname", "masterarn"} <= set(
        credentials
    )
    described = engine.moto.client("secretsmanager").describe_secret(SecretId=SECRETS[1])
    assert described["RotationEnabled"]
