"""The JWT key set under a rolling deployment, smaller than `make bench`'s 20 rotations: tasks
that sign and verify with PyJWT from the keys each read at its start (tests/support/jwt_fleet.py), the
keys rendered from this tree and from the two-slot release."""

from __future__ import annotations

import json
import re

import jwt
import pytest
from conftest import ROOT

from tests.support.jwt_fleet import Keys, app_secrets_at, compare, run_fleet

pytestmark = pytest.mark.heavy(seconds=5)


@pytest.fixture(scope="module")
def key_sets():
    return app_secrets_at([4, 5, 6, 7])


def test_no_valid_token_is_rejected_where_the_two_slot_scheme_logs_users_out(key_sets):
    key_set, two_slots = compare(rotations=3, start=4, key_set=key_sets)
    assert key_set.verifications > 300 and key_set.rejected == 0
    assert two_slots.rejected > 0


def test_a_token_verifies_for_one_rotation_and_not_after_two(key_sets):
    at = {g: Keys.of_key_set(values) for g, values in key_sets.items()}
    token = jwt.encode({"sub": "user-1"}, at[4].signing, "HS256")
    accepted = {g: any(_accepts(key, token) for key in keys.accepted) for g, keys in at.items()}
    assert accepted == {4: True, 5: True, 6: False, 7: False}
    # The key that signs next was accepted a rotation before.
    assert at[5].signing in at[4].accepted


def test_an_emergency_rotation_leaves_no_key_of_the_set(key_sets):
    before, after = (set(Keys.of_key_set(key_sets[g]).accepted) for g in (4, 7))
    assert len(before) == len(after) == 3 and not before & after
    # Every user signs in again: no token from before verifies anywhere after the rollout.
    assert run_fleet([Keys.of_key_set(key_sets[4]), Keys.of_key_set(key_sets[7])]).rejected > 0


def _accepts(key: str, token: str) -> bool:
    try:
        jwt.decode(token, key, algorithms=["HS256"])
        return True
    except jwt.InvalidSignatureError:
        return False


def _application(values: dict) -> dict:
    """docs/rotation.md's contract block, run as a task that read `values` at start."""
    text = (ROOT / "docs" / "rotation.md").read_text()
    code = re.search(r"<!-- app-contract -->\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APP_SECRETS", json.dumps(values))
        exec(compile(code, "docs/rotation.md", "exec"), namespace)  # noqa: S102 - our own doc
    return namespace


def test_the_documented_application_contract_accepts_its_neighbours_tokens(key_sets):
    tasks = {g: _application(values) for g, values in key_sets.items()}
    for g in (4, 5, 6):
        token = tasks[g + 1]["sign"]({"sub": "user-1"})
        assert tasks[g]["verify"](token) == {"sub": "user-1"}  # an old task, a new token
        assert tasks[g + 1]["verify"](tasks[g]["sign"]({"sub": "user-2"}))["sub"] == "user-2"
    with pytest.raises(jwt.InvalidSignatureError):
        tasks[7]["verify"](tasks[4]["sign"]({"sub": "user-3"}))
