"""A commit's tree, exported with `git archive` into a directory: the working tree is never
touched, and the export has the commit's own code (its harness, its program, its stack files)."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path


def export_commit(repository: Path, commit: str, target: Path) -> Path:
    """Write `commit`'s files under `target` (created when missing) and return `target`."""
    archive = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", commit],
        capture_output=True,
        check=True,
    ).stdout
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target
