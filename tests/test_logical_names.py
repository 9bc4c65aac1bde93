"""Child parts that other code refers to, or that had another name, are written through
stack_model/logical_names.py's constants and helpers: a literal copy in a component could drift
from the adopt command's import file or from the table of previous names, and a drifted part is
a replaced resource, not a test failure."""

from __future__ import annotations

import ast

from conftest import ROOT

from stack_model import logical_names


def _shared_parts() -> set[str]:
    constants = {
        value
        for name, value in vars(logical_names).items()
        if name.isupper() and isinstance(value, str)
    }
    renamed = {part for _, part in logical_names.PREVIOUS_NAMES if "{n}" not in part}
    return constants | renamed


def test_components_write_no_shared_part_as_a_literal():
    shared = _shared_parts()
    literals = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for path in sorted((ROOT / "components").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in shared
    ]
    assert literals == []


def test_the_trail_buckets_settings_keep_their_previous_names():
    for part in ("bucket", "bucket-encryption", "bucket-policy", "bucket-ownership",
                 "bucket-public-access-block"):  # fmt: skip
        assert logical_names.previous_name(logical_names.AUDIT_TRAIL.name, part) == "trail"
