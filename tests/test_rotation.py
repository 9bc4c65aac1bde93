"""Rotation without drift: a value changes when its token changes, and for nothing else.

pulumi-random replaces a resource (and so makes a new value) only when one of its inputs
changes; the tests compare the random resources' inputs, and the mock values derived from them,
between two synths that differ in one config key.
"""

from __future__ import annotations

import pytest
from conftest import secret_json, synth

PASSWORD = "random:index/randomPassword:RandomPassword"
JWT = "random:index/randomBytes:RandomBytes"
APP = "programador-musical-production-app-secrets"


def _generator_inputs(result):
    return {typ: [r["inputs"] for r in result.resources_of(typ)] for typ in (PASSWORD, JWT)}


def _values(result):
    values = secret_json(result, APP)
    return values["jwt_secret_key"], values["database_password"]


def test_rotating_the_jwt_token_regenerates_only_the_jwt_key():
    before = synth(show_secrets=True)
    after = synth(show_secrets=True, rotationJwt="2026-11-28")
    assert _generator_inputs(before)[PASSWORD] == _generator_inputs(after)[PASSWORD]
    assert _generator_inputs(before)[JWT] != _generator_inputs(after)[JWT]
    assert _generator_inputs(after)[JWT][0]["keepers"] == {"rotation": "2026-11-28"}
    (jwt_before, password_before), (jwt_after, password_after) = _values(before), _values(after)
    assert jwt_before != jwt_after
    assert password_before == password_after


def test_rotating_the_database_token_regenerates_only_the_password():
    before = synth(show_secrets=True)
    after = synth(show_secrets=True, rotationDatabase="2026-11-28")
    assert _generator_inputs(before)[JWT] == _generator_inputs(after)[JWT]
    assert _generator_inputs(after)[PASSWORD][0]["keepers"] == {"rotation": "2026-11-28"}
    (jwt_before, password_before), (jwt_after, password_after) = _values(before), _values(after)
    assert jwt_before == jwt_after
    assert password_before != password_after


@pytest.mark.parametrize(
    "change",
    [
        {"databaseHost": "other.c8x2kd1qpt0z.us-east-1.rds.amazonaws.com"},
        {"databasePort": "6543"},
        {"databaseName": "renamed_db"},
        {"tags": ["Team=other"]},
        {"kmsCustomerManagedKey": "false"},
        {"recoveryWindowInDays": "7"},
    ],
)
def test_other_config_changes_regenerate_nothing(change):
    assert _generator_inputs(synth(**change)) == _generator_inputs(synth())
