"""No password the stack generates or Secrets Manager rotates holds a character of
`:/@"'\\` (AWS's default ExcludeCharacters for its RDS rotation functions): each breaks a
.pgpass line, a hand-built URL or naive quoting. A stack made before keeps its password."""

from __future__ import annotations

import os

import pytest
from conftest import synth

from engine.providers.random import generate_password
from harness.change_plan import plan
from stack_model.rotation import ROTATION_EXCLUDE_CHARACTERS
from tests.support.aws_emulator import leased_emulator

DRAWS = 400


def test_the_excluded_set_is_the_functions_default():
    assert set(ROTATION_EXCLUDE_CHARACTERS) == set(":/@\"'\\")


def test_no_first_password_holds_an_excluded_character():
    (password,) = synth().resources_of("random:index/randomPassword:RandomPassword")
    # The generator pulumi-random runs (the engine tier's stand-in), with the stack's inputs.
    drawn = "".join(generate_password(password["inputs"]) for _ in range(DRAWS))
    assert set(drawn) & set(ROTATION_EXCLUDE_CHARACTERS) == set()
    assert set(drawn) & set(password["inputs"]["overrideSpecial"])  # specials are drawn


@pytest.fixture(scope="module")
def moto():
    with leased_emulator() as server:
        yield server


def test_no_rotated_password_holds_an_excluded_character(moto):
    # What the rotation function and the rotation driver ask Secrets Manager for.
    secrets = moto.client("secretsmanager")
    drawn = "".join(
        secrets.get_random_password(
            PasswordLength=32, ExcludeCharacters=ROTATION_EXCLUDE_CHARACTERS
        )["RandomPassword"]
        for _ in range(DRAWS)
    )
    assert set(drawn) & set(ROTATION_EXCLUDE_CHARACTERS) == set()


def test_a_stack_made_with_the_old_set_keeps_its_password():
    (password,) = synth().resources_of("random:index/randomPassword:RandomPassword")
    assert "overrideSpecial" in password["options"]["ignoreChanges"]
    key = os.urandom(32)
    old = synth(digest_key=key).document()
    (old_password,) = [
        r for r in old["resources"] if r["type"] == "random:index/randomPassword:RandomPassword"
    ]
    old_password["inputs"]["overrideSpecial"] += ":"  # as a stack made before has it
    step = plan(old, synth(digest_key=key).document()).step(password["type"], password["name"])
    assert step.op == "same"
