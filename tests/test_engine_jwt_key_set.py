"""The JWT key set through the real engine, from the two-slot release: production brought up by
the release at generation 5, upgraded by this tree, then rotated twice with `pulumi config set
jwtKeyGeneration` and `pulumi up`. The upgrade keeps the signing and the previous key (nobody is
logged out), only the next key is new; each rotation replaces one key slot and the app-secrets
version and starts the services' redeployment. A fleet (tests/support/jwt_fleet.py) that reads what the
emulator holds after each step, the release's tasks first, rejects no valid token."""

from __future__ import annotations

import json

import pytest
from engine_tier import preview_json, steps, up_as_an_operator_would

from tests.support.jwt_fleet import TWO_SLOT_RELEASE, Keys, run_fleet

pytestmark = [pytest.mark.engine, pytest.mark.heavy(seconds=50)]

GENERATION = 5
APP = "programador-musical-production-app-secrets"
KEY = "random:index/randomBytes:RandomBytes"
RESTARTS = "programador-musical-production-restart-services"


def _app_secrets(engine) -> dict:
    client = engine.moto.client("secretsmanager")
    return json.loads(client.get_secret_value(SecretId=APP)["SecretString"])


def _set_generation(engine, project, generation: int) -> None:
    engine.pulumi(
        project, "config", "set", "--stack", "production", "jwtKeyGeneration", str(generation)
    ).check()


def _executions(engine) -> list[dict]:
    sfn = engine.moto.client("stepfunctions")
    (machine,) = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == RESTARTS]
    return sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]


@pytest.fixture(scope="module")
def rollover(engine):
    engine.moto.reset()
    release = engine.commit(TWO_SLOT_RELEASE, label="two-slot-release")
    engine.init_stack(release, "production").check()
    _set_generation(engine, release, GENERATION)
    up_as_an_operator_would(engine, release)
    held = {"release": _app_secrets(engine)}

    current = engine.project(label="key-set", backend_of=release)
    _set_generation(engine, current, GENERATION)
    upgrade = preview_json(engine, current, "production", "--diff")
    engine.pulumi(current, "up", "--stack", "production", "--yes", "--skip-preview").check()
    held["upgraded"] = _app_secrets(engine)
    executions = {"upgraded": len(_executions(engine))}
    rotations = []
    for generation in (GENERATION + 1, GENERATION + 2):
        _set_generation(engine, current, generation)
        rotations.append(preview_json(engine, current, "production", "--diff"))
        engine.pulumi(current, "up", "--stack", "production", "--yes", "--skip-preview").check()
        held[generation] = _app_secrets(engine)
        executions[generation] = len(_executions(engine))
    return held, upgrade, rotations, executions


def _changed(preview: dict) -> dict[str, str]:
    return {urn.rsplit("::", 1)[-1]: op for urn, op in steps(preview).items() if op != "same"}


def test_the_upgrade_keeps_the_signing_and_previous_keys_and_adds_the_next(rollover):
    held, upgrade, _, _ = rollover
    release, upgraded = held["release"], held["upgraded"]
    assert upgraded["jwt_secret_key"] == release["jwt_secret_key"]
    assert upgraded["jwt_secret_key_previous"] == release["jwt_secret_key_previous"]
    assert upgraded["jwt_secret_key_next"] not in release.values()
    assert upgraded["jwt_key_generation"] == GENERATION
    # The release's two keys move to their slots by alias (the preview lists no step for them:
    # unchanged); only the next key is generated, and no key is deleted or replaced.
    keys = {urn: op for urn, op in steps(upgrade).items() if f"${KEY}::" in urn}
    assert list(keys.values()) == ["create"]
    assert _changed(upgrade)["application-secrets-app-secrets"] == "replace"


def test_each_rotation_replaces_one_slot_and_the_version_and_redeploys(rollover):
    _, _, rotations, executions = rollover
    for preview in rotations:
        changed = _changed(preview)
        slots = [n for n in changed if n.startswith("application-secrets-jwt-key-slot-")]
        assert len(slots) == 1 and changed.pop(slots[0]) == "replace"
        assert changed == {
            "application-secrets-app-secrets": "replace",
            "service-restarts-key-set-change": "update",
        }
    # The upgrade created the watcher (nothing to redeploy for); each rotation started one.
    assert executions == {"upgraded": 0, GENERATION + 1: 1, GENERATION + 2: 2}


def test_a_fleet_from_the_release_through_two_rotations_rejects_no_valid_token(rollover):
    held, _, _, _ = rollover
    deployments = [
        Keys.of_two_slots(held["release"]),
        Keys.of_key_set(held["upgraded"]),
        Keys.of_key_set(held[GENERATION + 1]),
        Keys.of_key_set(held[GENERATION + 2]),
    ]
    outcome = run_fleet(deployments)
    assert outcome.verifications > 300 and outcome.rejected == 0
    # The same rotations with the release's contract (no next key) log users out.
    two_slots = [Keys.of_two_slots(held[g]) for g in ("upgraded", GENERATION + 1, GENERATION + 2)]
    assert run_fleet([deployments[0], *two_slots]).rejected > 0
