"""Every infrastructure change shows up as a reviewable diff of tests/snapshots/: the JSON document
the tests read, and the preview-shaped text a reviewer reads."""

from __future__ import annotations

import difflib
import json

import pytest
from conftest import ROOT, secret_json

from harness.synth import format_tree
from stack_model.jwt_key_set import JWT_KEYS

SNAPSHOTS = ROOT / "tests" / "snapshots"


def _compare(path, actual: str) -> None:
    expected = path.read_text()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), path.name, "synth"
            )
        )
        raise AssertionError(
            f"the synthesized stack changed; review, then run `make snapshot`:\n{diff}"
        )


def test_production_matches_snapshot(production):
    _compare(SNAPSHOTS / "production.json", json.dumps(production.document(), indent=2) + "\n")


def test_production_text_matches_snapshot(production):
    _compare(SNAPSHOTS / "production.txt", format_tree(production) + "\n")


@pytest.mark.parametrize("name", ["production.json", "production.txt"])
def test_snapshots_hold_no_secret_value(production_revealed, name):
    text = (SNAPSHOTS / name).read_text()
    secret_values = [
        value
        for output, value in production_revealed.outputs.items()
        if output in production_revealed.secret_outputs and value is not None
    ]
    # The generated values themselves: the JWT key set and the first database password.
    app = secret_json(production_revealed, "programador-musical-production-app-secrets")
    db = secret_json(production_revealed, "programador-musical-production-db-credentials")
    secret_values += [app[key] for key in JWT_KEYS] + [db["password"]]
    assert len(secret_values) >= 4
    for value in secret_values:
        assert value not in text
