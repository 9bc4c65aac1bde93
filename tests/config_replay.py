"""Replays `pulumi config` command lines onto a copy of the project with the ported CLI semantics
(harness/pulumi_cli/config_commands.py) and reads back what the program would see."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

from harness.pulumi_cli.config_commands import run
from harness.stack_loading import load_stack_config
from settings.schema import Reader

PROJECT = "programador-musical"


def project_copy(tmp_path: Path) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.production.yaml", "Pulumi.staging.yaml"):
        shutil.copy(ROOT / name, program / name)
    return program


def apply(program: Path, argv: list[str] | str, stdin: str | None = None) -> None:
    run(argv, program, stdin=stdin, default_stack="production")


def program_reads(program: Path, key: str, stack: str = "production") -> tuple[object, bool]:
    """The typed value the program's settings read for `key`, and whether it arrived secret."""
    config = load_stack_config(stack, program_dir=program)
    full = f"{PROJECT}:{key}"
    reader = Reader(PROJECT, lambda name: config.values.get(f"{PROJECT}:{name}"), lambda _: False)
    value = reader.value(key)
    assert reader.problems == [], reader.problems
    return value, full in config.secret_keys
