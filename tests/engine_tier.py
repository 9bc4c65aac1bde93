"""Fixtures of the engine tier (tests marked `engine`): one EngineSession per worker (the real CLI,
a file backend, the emulator), and helpers that read what the engine reports.

Without `make engine` the tier skips, saying so; where ENGINE_TIER_REQUIRED is set (`make test`
and CI set it, after building the tier) it fails instead."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.session import EngineNotReady, EngineSession

STACKS = ("production", "staging")


def engine_session() -> EngineSession:
    try:
        return EngineSession()
    except EngineNotReady as error:
        if os.environ.get("ENGINE_TIER_REQUIRED"):
            pytest.fail(f"the engine tier is required here: {error}")
        pytest.skip(f"engine tier: {error}")


def real_project_schema() -> dict:
    """The project-file schema the pinned CLI embeds, which `make engine` copies from its Go
    module: skipped without the tier, a failure where the tier is required."""
    from harness.pulumi_cli.project_schema import real_schema_path

    path = real_schema_path()
    if path is None:
        if os.environ.get("ENGINE_TIER_REQUIRED"):
            pytest.fail(
                "no real project.json: `make engine` copies it from the CLI's Go module (with Go)"
            )
        pytest.skip("no copy of Pulumi's project.json here: `make engine` takes one")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineSession]:
    with engine_session() as session:
        yield session


def steps(preview_json: dict) -> dict[str, str]:
    """URN -> the engine's step (`create`, `same`, `update`, `replace`, ...) from `preview --json`,
    without the default providers (the engine's own, not the program's)."""
    return {
        step["urn"]: step["op"]
        for step in preview_json.get("steps", [])
        if "::pulumi:providers:" not in step["urn"]
    }


def stack_up(engine: EngineSession, project: Path, stack: str, *config: str) -> None:
    """A new stack of `project`, with `config` (`key=value`) set, brought up."""
    engine.init_stack(project, stack).check()
    for pair in config:
        key, _, value = pair.partition("=")
        engine.pulumi(project, "config", "set", "--stack", stack, key, value).check()
    engine.pulumi(project, "up", "--stack", stack, "--yes", "--skip-preview").check()


# Commits before 494b8bb let S3's access logging race the access-log bucket's policy: when the
# logging call fails before the program has registered the policy, `up` stops without it, and an
# `up` run again can lose the same way (twice in one run of the tier, once its emulators were
# reused and quick). So the operator runs `up --continue-on-error`: everything but the logging is
# made, the policy with it, and the next `up` goes through.
RACED_UP_ATTEMPTS = 6


def up_as_an_operator_would(
    engine: EngineSession, project: Path, stack: str = "production"
) -> None:
    """`pulumi up --continue-on-error` of an earlier commit, run again after each failure that is
    that commit's known race (InvalidTargetBucketForLogging) and that made progress (created
    something); any other failure, or a race that makes no progress, fails at once."""
    up = ("up", "--stack", stack, "--yes", "--skip-preview", "--continue-on-error")
    for _ in range(RACED_UP_ATTEMPTS - 1):
        done = engine.pulumi(project, *up)
        if done.returncode == 0:
            return
        assert "InvalidTargetBucketForLogging" in done.stdout, done.tail()
        assert re.search(r"\+ \d+ created", done.stdout), done.tail()
    engine.pulumi(project, *up).check()


def preview_json(engine: EngineSession, project: Path, stack: str, *extra: str) -> dict:
    done = engine.pulumi(project, "preview", "--stack", stack, "--json", *extra)
    document = done.json() if done.stdout.strip().startswith("{") else {}
    if done.returncode != 0:
        raise AssertionError(f"preview failed ({done.returncode}): {done.tail()}")
    return document
