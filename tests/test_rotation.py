"""Rotation without drift: a value changes when its rotation asks for it, and for nothing else.

pulumi-random replaces a resource (and so makes a new value) only when one of its inputs
changes; the tests compare the random resources' inputs, and the mock values derived from them,
between synths that differ in one config key. The change plan (harness/change_plan.py) says what
`pulumi preview` would do with the difference.
"""

from __future__ import annotations

import os

import pytest
from conftest import secret_json, synth
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.change_plan import plan
from stack_model.jwt_key_set import (
    EMERGENCY_STEP,
    JWT_SLOTS,
    ROTATION_STEP,
    keepers,
    regenerated_slots,
    slot_of,
)
from stack_model.logical_names import JWT_TWO_SLOT_PARTS

pytestmark = pytest.mark.heavy(seconds=7)

PASSWORD = "random:index/randomPassword:RandomPassword"
JWT = "random:index/randomBytes:RandomBytes"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
APP = "programador-musical-production-app-secrets"
DB = "programador-musical-production-db-credentials"
MANUAL = {"rotationManaged": "false"}


def _generator_inputs(result):
    return {typ: [r["inputs"] for r in result.resources_of(typ)] for typ in (PASSWORD, JWT)}


def _key_set(result) -> tuple[str, str, str, int]:
    """(signing, previous, next, generation) as the app reads them from APP_SECRETS."""
    values = secret_json(result, APP)
    return (
        values["jwt_secret_key"],
        values["jwt_secret_key_previous"],
        values["jwt_secret_key_next"],
        values["jwt_key_generation"],
    )


@given(st.integers(0, 10**6 - 30), st.lists(st.sampled_from([1, 3]), min_size=1, max_size=8))
def test_each_rotation_regenerates_one_slot_and_an_emergency_all(start, steps):
    generation = start
    for step in steps:
        regenerated = regenerated_slots(generation, generation + step)
        if step == ROTATION_STEP:
            # The slot that held K(N-1) now holds K(N+2), the new next key.
            assert regenerated == {slot_of(generation + 2)} == {slot_of(generation - 1)}
        else:
            assert step == EMERGENCY_STEP and regenerated == set(JWT_SLOTS)
        generation += step


def _without_key_set(result) -> list[dict]:
    """Everything but the JWT slots, the app-secrets value that holds them, and what watches
    the set to redeploy the services."""
    return [
        r
        for r in result.resources
        if r["type"] != JWT
        and not (r["type"] == VERSION and r["name"].endswith("app-secrets"))
        and not r["name"].endswith("key-set-change")
    ]


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10**6 - 4), st.integers(1, 3))
def test_after_rotation_n_plus_1_the_published_next_key_signs(start, rotations):
    renders = [
        synth(show_secrets=True, jwtKeyGeneration=str(start + n)) for n in range(rotations + 1)
    ]
    for before, after in zip(renders, renders[1:], strict=False):
        signing, previous, following, generation = _key_set(before)
        new_signing, new_previous, new_following, new_generation = _key_set(after)
        assert (new_signing, new_previous, new_generation) == (following, signing, generation + 1)
        assert new_following not in (signing, previous, following)
        assert len({signing, previous, following}) == 3
        # No other value, and no other resource, changes.
        assert _without_key_set(after) == _without_key_set(before)
        assert secret_json(after, DB) == secret_json(before, DB)


def test_an_emergency_rotation_replaces_every_key():
    before = _key_set(synth(show_secrets=True, jwtKeyGeneration="4"))
    after = _key_set(synth(show_secrets=True, jwtKeyGeneration=str(4 + EMERGENCY_STEP)))
    assert not set(before[:3]) & set(after[:3])


def test_a_jwt_rotation_plans_exactly_one_slot_the_app_secrets_value_and_the_redeployment():
    key = os.urandom(32)
    before = synth(digest_key=key).document()
    after = synth(digest_key=key, jwtKeyGeneration="1").document()
    changed = sorted(
        (s.op, s.resource["name"]) for s in plan(before, after).steps if s.op != "same"
    )
    assert changed == [
        ("replace", "application-secrets-app-secrets"),
        ("replace", f"application-secrets-jwt-key-slot-{slot_of(2)}"),
        ("update", "service-restarts-key-set-change"),
    ]


def test_the_keys_of_a_two_slot_stack_keep_their_keepers_and_reach_their_slots_by_alias():
    """A stack made with two slots, at generation N, held K(N) and K(N-1) in the slots named by
    their parity: each is aliased from there with the keepers it had, so the upgrade keeps both
    (nobody is logged out) and only K(N+1) is new. tests/test_engine_jwt_key_set.py proves it
    through the engine from the release."""
    for generation in (0, 1, 4, 7):
        slots = {r["name"]: r for r in synth(jwtKeyGeneration=str(generation)).resources_of(JWT)}
        for held in (generation - 1, generation, generation + 1):
            slot = slots[f"application-secrets-jwt-key-slot-{slot_of(held)}"]
            assert slot["inputs"]["keepers"] == keepers(held, "initial")
            aliases = {a.rsplit("::", 1)[-1] for a in slot["options"]["aliases"]}
            if held == generation + 1:
                assert aliases == set()
            else:
                assert f"application-secrets-{JWT_TWO_SLOT_PARTS[held % 2]}" in aliases
    assert keepers(0, "initial") == {"rotation": "initial"}  # the single key's, before slots
    assert keepers(-1, "initial") == {"generation": "none"}


def test_rotating_the_database_token_regenerates_only_the_password():
    before = synth(show_secrets=True, **MANUAL)
    after = synth(show_secrets=True, rotationDatabase="2026-11-28", **MANUAL)
    assert _generator_inputs(before)[JWT] == _generator_inputs(after)[JWT]
    assert _generator_inputs(after)[PASSWORD][0]["keepers"] == {"rotation": "2026-11-28"}
    assert _key_set(before) == _key_set(after)
    assert secret_json(before, DB)["password"] != secret_json(after, DB)["password"]


@pytest.mark.parametrize(
    "change",
    [
        {"databaseHost": "other.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"},
        {"databasePort": "6543"},
        {"databaseName": "renamed_db"},
        {"tags": ["Team=other"]},
        {"kmsCustomerManagedKey": "false"},
        {"recoveryWindowInDays": "7"},
        {"rotationSchedule": "rate(7 days)"},
    ],
)
def test_other_config_changes_regenerate_nothing(change):
    assert _generator_inputs(synth(**change)) == _generator_inputs(synth())


def test_pulumi_up_never_fights_the_managed_rotation():
    """After Secrets Manager rotates, the state's value of db-credentials (read back by a
    refresh) is a rotated one, and config may change the inputs too: neither is a diff, so
    `pulumi up` writes nothing back."""
    key = os.urandom(32)
    program = synth(digest_key=key).document()
    state = synth(digest_key=key).document()
    (version,) = [
        r for r in state["resources"] if r["type"] == VERSION and r["name"].endswith("credentials")
    ]
    assert version["options"]["ignoreChanges"] == ["secretString"]
    version["inputs"]["secretString"] = "[secret:rotated-by-secrets-manager]"
    moved = synth(
        digest_key=key, databaseHost="moved.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"
    ).document()
    for new in (program, moved):
        step = plan(state, new).step(VERSION, "application-secrets-db-credentials")
        assert step.op == "same", step.changes
    # Under the manual scheme the stack owns the value: the same change is a new version.
    manual = synth(digest_key=key, **MANUAL).document()
    manual_moved = synth(
        digest_key=key, databaseHost="moved.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com", **MANUAL
    ).document()
    step = plan(manual, manual_moved).step(VERSION, "application-secrets-db-credentials")
    assert step.op == "replace"
