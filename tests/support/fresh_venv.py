"""A new virtualenv with only what a user would install into it (uv builds it, from its cache):
the clean state the README's first command and the installed CLI are proven from."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def venv_scratch(prefix: str) -> Iterator[Path]:
    """A folder for virtualenvs, removed when the `with` ends. Not one of pytest's temporary
    folders: pytest keeps those of the last three runs and removes the oldest at the end of each
    run, in the main process, after the last test (1.0 s at the very end of `make unit`, for the
    12,400 files an earlier run's virtualenvs held)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


def fresh_venv(environment: Path, *requirements: str) -> Path:
    """A virtualenv at `environment` holding `requirements` (pip install's arguments) alone;
    returns its python. An install that fails fails the test with uv's own words."""
    subprocess.run(
        [sys.executable, "-m", "uv", "venv", "--quiet", "--python", sys.executable,
         str(environment)],
        check=True,
    )  # fmt: skip
    python = environment / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(python),
         *requirements],
        capture_output=True, text=True,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]
    return python
