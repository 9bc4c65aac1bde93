"""The render a change plan starts from: a saved `synth --json` document, or a git ref rendered
by its own harness, so each side is rendered by the code of its own commit.

A ref is written by git into a temporary directory (harness/git_tree.py; the working tree is
never touched) and rendered there by `python -m tools.synth --json`. Both sides share a one-off
key for secret digests (SECRET_DIGEST_VARIABLE): the plan can tell a changed secret from an
unchanged one, and the digests mean nothing once the process ends. A saved document has no
digests; its secrets are compared through the resources they are built from only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.git_tree import export_commit

SECRET_DIGEST_VARIABLE = "SYNTH_SECRET_DIGEST_KEY"


class PlanBaseError(Exception):
    """The base render cannot be had; `str()` says why and what to do."""


@dataclass
class Base:
    label: str
    document: dict
    secrets_compared: bool


@contextmanager
def rendering(
    reference: str, root: Path, stack: str, program: Path, digest_key: bytes
) -> Iterator[Callable[[], Base]]:
    """Starts getting the base at once and yields the function that waits for it: a commit's
    render runs in its own process while the caller renders this tree (a plan takes the longer
    of the two renders, not their sum). A reference that is neither a file nor a commit is
    refused here, before anything renders; a render still running when the block ends (this
    tree's render failed) is stopped."""
    saved = Path(reference)
    if saved.is_file():
        document = _saved_document(saved)
        yield lambda: Base(str(saved), document, secrets_compared=False)
        return
    commit = _commit(reference, root)
    with tempfile.TemporaryDirectory(prefix="synth-plan-") as directory:
        tree = export_commit(root, commit, Path(directory))
        command = [sys.executable, "-m", "tools.synth", "--json", "--stack", stack]
        if program != root:
            command += ["--program", str(tree / program.relative_to(root))]
        process = subprocess.Popen(
            command,
            cwd=tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, SECRET_DIGEST_VARIABLE: digest_key.hex()},
        )

        def result() -> Base:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                reason = (stderr.strip().splitlines() or ["no message"])[-1]
                raise PlanBaseError(
                    f"rendering {reference} failed (exit {process.returncode}): {reason}"
                )
            label = f"{reference} ({commit[:12]})"
            return Base(label, json.loads(stdout), secrets_compared=True)

        try:
            yield result
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate()


def _commit(reference: str, root: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{reference}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        raise PlanBaseError(
            f"--diff {reference}: neither a saved `synth --json` file nor a commit of this "
            "repository (for a pull request's base, fetch it first: `git fetch origin main`)"
        )
    return found.stdout.strip()


def _saved_document(path: Path) -> dict:
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise PlanBaseError(f"--diff {path}: not a readable JSON file ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise PlanBaseError(
            f"--diff {path}: not a `python -m tools.synth --json` document (no resources list)"
        )
    return document
