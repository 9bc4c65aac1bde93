"""A new virtualenv with only what a user would install into it (uv builds it, from its cache):
the clean state the README's first command and the installed CLI are proven from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
