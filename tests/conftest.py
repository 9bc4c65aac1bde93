"""Shared fixtures: every test synthesizes through tools.synth, as `make synth` does."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import os
import subprocess
import sys
from functools import cache

import pytest

# The engine tier's fixture (`engine`: one EngineSession per test module).
from engine_tier import engine  # noqa: F401

from engine.session import stop_program_hosts
from harness.synth import ROOT, SynthResult, synthesize
from tests.support.aws_emulator import stop_emulators


@cache
def _synth(
    stack: str, overrides: tuple, secrets: tuple, show_secrets: bool, digest_key: bytes | None
) -> SynthResult:
    values = {key: list(value) if isinstance(value, tuple) else value for key, value in overrides}
    return synthesize(
        stack,
        values,
        show_secrets=show_secrets,
        secret_overrides=dict(secrets),
        digest_key=digest_key,
    )


def synth(
    stack: str = "production",
    show_secrets: bool = False,
    secrets: dict[str, str] | None = None,
    digest_key: bytes | None = None,
    **overrides: str | list,
) -> SynthResult:
    """Synthesizes a stack. A string override is what `pulumi config set KEY VALUE` stores, a
    list what a YAML sequence in the stack file gives; `secrets` are set as with `--secret`;
    `digest_key` renders secrets as keyed digests, as a change plan does."""
    pairs = tuple(
        sorted(
            (key, tuple(value) if isinstance(value, list) else value)
            for key, value in overrides.items()
        )
    )
    return _synth(stack, pairs, tuple(sorted((secrets or {}).items())), show_secrets, digest_key)


def secret_json(result: SynthResult, secret_name: str) -> dict:
    version = result.version_of(secret_name)
    return json.loads(version["inputs"]["secretString"])


@pytest.fixture(scope="session", autouse=True)
def _pooled_servers_end_with_the_session():
    """The moto servers and program hosts this worker's test modules leased one after the other
    (tests/support/pool.py) stop with the session."""
    yield
    stop_emulators()
    stop_program_hosts()


@pytest.fixture(scope="session")
def production() -> SynthResult:
    return synth()


@pytest.fixture(scope="session")
def production_revealed() -> SynthResult:
    return synth(show_secrets=True)


def run_synth(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m tools.synth ARGS` as a user runs it, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "tools.synth", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def cli_render(tmp_path_factory, worker_id):
    """`run_synth(*ARGS)` for a render that only reads this tree (the default text, `--json`),
    made once per test run and shared by the modules that read it, across xdist workers (each
    such render is a process of its own: 0.75 s of CPU). The first to ask makes it; the others
    wait for it on the lock, then read what it wrote."""
    if worker_id == "master":
        shared = tmp_path_factory.mktemp("cli-renders")
    else:  # the one base directory every worker of this run has under it
        shared = tmp_path_factory.getbasetemp().parent / "cli-renders"
        shared.mkdir(exist_ok=True)

    def render(*args: str) -> subprocess.CompletedProcess:
        name = hashlib.sha256("\0".join(args).encode()).hexdigest()[:16]
        saved = shared / f"{name}.json"
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not saved.exists():
                done = run_synth(*args)
                fields = ("returncode", "stdout", "stderr")
                saved.write_text(json.dumps({field: getattr(done, field) for field in fields}))
        return subprocess.CompletedProcess(args, **json.loads(saved.read_text()))

    return render


def imports_and_messages(stderr: str) -> tuple[set[str], list[str]]:
    """The modules a run under PYTHONPROFILEIMPORTTIME=1 imported, and its other stderr lines."""
    lines = stderr.strip().splitlines()
    imported = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
    return imported, [line for line in lines if not line.startswith("import time:")]


def pytest_collection_modifyitems(items):
    """The long modules first, longest first (the seconds their `heavy` marker gives: about what
    each takes on two cores), so xdist (told to keep this order, pytest.ini) hands them out before
    the quick ones, which then fill the workers' ends; by default it hands out modules by their
    number of tests, and a long module with few tests (the engine tier's) ran alone at the end.
    A wrong estimate costs time, never a result.

    Within a module, tests that change the shared emulator run after those that only read it, so
    the one deployment serves as many tests as possible (order within each group is kept); in
    between, those that read it with the rotation cancelled (the manual scheme)."""

    def order(item) -> tuple[float, int]:
        heavy = item.get_closest_marker("heavy")
        if item.get_closest_marker("mutates"):
            group = 2
        else:
            group = 1 if item.get_closest_marker("manual_scheme") else 0
        return -(heavy.kwargs["seconds"] if heavy else 0), group

    items.sort(key=order)


def pytest_collection_finish(session):
    """Once every test module is imported, and the program's own modules with them, the
    collector stops walking them: frozen, they are left out of every later collection. pulumi_aws
    loads its submodules when the program first reaches them, so the program runs once first
    (the production render, which the `production` fixture then reuses): its modules, pulumi_aws's
    generated classes among them, are some 150,000 objects that live as long as the process. And
    it collects less often: a synth allocates asyncio tasks and futures by the thousand, and each
    default gen-0 threshold of 700 triggered a pass. As tools/synth.py does for one render
    (there, the collector is off)."""
    # A program that fails here fails its own tests, each with its error.
    with contextlib.suppress(Exception):
        synth()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Last of all (after pytest's own collection that reports unraisable exceptions): what the
    process still holds is frozen, so the interpreter's teardown does not walk it all again."""
    gc.freeze()
