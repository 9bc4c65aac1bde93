"""Every infrastructure change shows up as a reviewable diff of tests/snapshots/production.json."""

from __future__ import annotations

import difflib
import json

from conftest import ROOT

SNAPSHOT = ROOT / "tests" / "snapshots" / "production.json"


def test_production_matches_snapshot(production):
    expected = SNAPSHOT.read_text()
    actual = json.dumps(production.document(), indent=2) + "\n"
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "snapshot", "synth"
            )
        )
        raise AssertionError(
            f"the synthesized stack changed; review, then run `make snapshot`:\n{diff}"
        )


def test_snapshot_holds_no_secret_value(production_revealed):
    text = SNAPSHOT.read_text()
    for name, value in production_revealed.outputs.items():
        if name in production_revealed.secret_outputs:
            assert value not in text
