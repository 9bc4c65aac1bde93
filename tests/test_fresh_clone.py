"""The README's first command on a machine that has only what `make synth` installs: a virtualenv
built from requirements.txt alone (uv, from its cache) runs the offline synth and a change plan
against a saved render and against a commit, as `make synth` and `make plan` do."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from conftest import ROOT

from tests.support.fresh_venv import fresh_venv, venv_scratch

pytestmark = pytest.mark.heavy(seconds=12)


@pytest.fixture(scope="module")
def runtime_only() -> Iterator[str]:
    with venv_scratch("runtime-only-") as folder:
        yield str(fresh_venv(folder / "venv", "-r", str(ROOT / "requirements.txt")))


def _synth(python: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-m", "tools.synth", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_make_synth_runs_from_requirements_txt_alone(runtime_only):
    done = _synth(runtime_only)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("to create") and "Traceback" not in done.stderr


def test_make_plan_runs_from_requirements_txt_alone(runtime_only, tmp_path):
    saved = tmp_path / "base.json"
    saved.write_text(_synth(runtime_only, "--json").stdout)
    for base in (str(saved), "HEAD"):
        done = _synth(runtime_only, "--diff", base)
        assert done.returncode == 0, done.stderr
        assert "Change plan (production)" in done.stdout
