"""Shared fixtures: every test synthesizes through tools.synth, as `make synth` does."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.synth import SynthResult, synthesize  # noqa: E402


@cache
def _synth(stack: str, overrides: tuple[tuple[str, str], ...], show_secrets: bool) -> SynthResult:
    return synthesize(stack, dict(overrides), show_secrets=show_secrets)


def synth(stack: str = "production", show_secrets: bool = False, **overrides: str) -> SynthResult:
    """Synthesizes a stack; keyword overrides use config keys with "." written as "__"."""
    pairs = tuple(sorted((key.replace("__", "."), value) for key, value in overrides.items()))
    return _synth(stack, pairs, show_secrets)


def secret_json(result: SynthResult, secret_name: str) -> dict:
    version = result.resource("aws:secretsmanager/secretVersion:SecretVersion", secret_name)
    return json.loads(version["inputs"]["secretString"])


@pytest.fixture(scope="session")
def production() -> SynthResult:
    return synth()


@pytest.fixture(scope="session")
def production_revealed() -> SynthResult:
    return synth(show_secrets=True)
