"""A commit's tree, written by git itself into a directory: the working tree and the index are
never touched, and the export has the commit's own code (its harness, its program, its stack
files).

git writes the files (`read-tree` into an index of our own, then `checkout-index` into the
target), not Python's tarfile: a safe tar extraction (`extractall(filter="data")`) needs Python
3.11.4 or later, and Debian 12's python3.11 is 3.11.2, where `make plan BASE=<ref>` failed with a
TypeError."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def export_commit(repository: Path, commit: str, target: Path) -> Path:
    """Write `commit`'s files under `target` (created when missing) and return `target`."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="export-index-") as scratch:
        environment = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git = ["git", "-C", str(repository), f"--work-tree={target.resolve()}"]
        for step in (["read-tree", commit], ["checkout-index", "--all", "--force"]):
            subprocess.run([*git, *step], env=environment, capture_output=True, check=True)
    return target
