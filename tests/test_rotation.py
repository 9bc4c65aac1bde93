"""Rotation without drift: a value changes when its rotation asks for it, and for nothing else.

pulumi-random replaces a resource (and so makes a new value) only when one of its inputs
changes; the tests compare the random resources' inputs, and the mock values derived from them,
between synths that differ in one config key. The change plan (tools/change_plan.py) says what
`pulumi preview` would do with the difference.
"""

from __future__ import annotations

import os

import pytest
from conftest import secret_json, synth
from hypothesis import given, settings
from hypothesis import strategies as st

from stack_model.rotation import JWT_SLOTS, jwt_current_slot, jwt_slot_generation
from tools.change_plan import plan

PASSWORD = "random:index/randomPassword:RandomPassword"
JWT = "random:index/randomBytes:RandomBytes"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
APP = "programador-musical-production-app-secrets"
DB = "programador-musical-production-db-credentials"
MANUAL = {"rotationManaged": "false"}


def _generator_inputs(result):
    return {typ: [r["inputs"] for r in result.resources_of(typ)] for typ in (PASSWORD, JWT)}


def _jwt(result) -> tuple[str, str]:
    values = secret_json(result, APP)
    return values["jwt_secret_key"], values["jwt_secret_key_previous"]


def _slots_regenerated(before: int, after: int) -> set[int]:
    return {s for s in JWT_SLOTS if jwt_slot_generation(before, s) != jwt_slot_generation(after, s)}


@given(st.integers(0, 10**6 - 2), st.lists(st.sampled_from([1, 2]), min_size=1, max_size=8))
def test_each_rotation_regenerates_one_slot_and_an_emergency_both(start, steps):
    generation = start
    for step in steps:
        regenerated = _slots_regenerated(generation, generation + step)
        if step == 1:
            # The slot that becomes current is regenerated; the old current becomes previous.
            assert regenerated == {jwt_current_slot(generation + 1)}
        else:
            assert regenerated == set(JWT_SLOTS)
        generation += step


def _without_jwt(result) -> list[dict]:
    """Everything but the JWT slots and the app-secrets value that holds them."""
    return [
        r
        for r in result.resources
        if r["type"] != JWT and not (r["type"] == VERSION and r["name"].endswith("app-secrets"))
    ]


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 10**6 - 4), st.integers(1, 3))
def test_after_rotation_n_plus_1_the_previous_key_is_rotation_ns_current(start, rotations):
    renders = [
        synth(show_secrets=True, jwtKeyGeneration=str(start + n)) for n in range(rotations + 1)
    ]
    for before, after in zip(renders, renders[1:], strict=False):
        current_before, _ = _jwt(before)
        current_after, previous_after = _jwt(after)
        assert previous_after == current_before
        assert current_after not in (current_before, previous_after)
        # No other value, and no other resource, changes.
        assert _without_jwt(after) == _without_jwt(before)
        assert secret_json(after, DB) == secret_json(before, DB)


def test_an_emergency_rotation_replaces_both_keys():
    current, previous = _jwt(synth(show_secrets=True, jwtKeyGeneration="4"))
    new_current, new_previous = _jwt(synth(show_secrets=True, jwtKeyGeneration="6"))
    assert not {current, previous} & {new_current, new_previous}


def test_a_jwt_rotation_plans_exactly_one_slot_and_the_app_secrets_value():
    key = os.urandom(32)
    before = synth(digest_key=key).document()
    after = synth(digest_key=key, jwtKeyGeneration="1").document()
    changed = [(s.op, s.resource["name"]) for s in plan(before, after).steps if s.op != "same"]
    assert changed == [
        ("replace", "application-secrets-jwt-secret-key-slot-1"),
        ("replace", "application-secrets-app-secrets"),
    ]


def test_the_first_slot_keeps_the_key_a_stack_had_before_the_slots():
    # Generation 0's first slot has the keepers the single key had, under the same logical
    # name: an existing stack keeps its key (and nobody is logged out) when it upgrades.
    (slot_0,) = [r for r in synth().resources_of(JWT) if r["name"].endswith("jwt-secret-key")]
    assert slot_0["inputs"]["keepers"] == {"rotation": "initial"}


def test_rotating_the_database_token_regenerates_only_the_password():
    before = synth(show_secrets=True, **MANUAL)
    after = synth(show_secrets=True, rotationDatabase="2026-11-28", **MANUAL)
    assert _generator_inputs(before)[JWT] == _generator_inputs(after)[JWT]
    assert _generator_inputs(after)[PASSWORD][0]["keepers"] == {"rotation": "2026-11-28"}
    assert _jwt(before) == _jwt(after)
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
