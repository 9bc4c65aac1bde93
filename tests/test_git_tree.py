"""A commit's files, exported for a change plan or an upgrade test: exactly the commit's, with
the repository's working tree and index left as the user had them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.git_tree import export_commit

ROOT = Path(__file__).resolve().parents[1]
# Debian 12's python3.11 is 3.11.2, older than tarfile's extraction filters (3.11.4): the export
# must not depend on them. The module needs the standard library alone, so any Python runs it.
DEBIAN_PYTHON = "/usr/bin/python3.11"


def _git(repository: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True
    ).stdout


def _export(python: str, repository: Path, target: Path) -> None:
    if python == sys.executable:
        assert export_commit(repository, "HEAD", target) == target
        return
    # Run from the checkout, whose folder `python -c` puts first on the module path.
    code = (
        "import sys; from pathlib import Path; from harness.git_tree import export_commit; "
        "export_commit(Path(sys.argv[1]), 'HEAD', Path(sys.argv[2]))"
    )
    subprocess.run([python, "-c", code, str(repository), str(target)], cwd=ROOT, check=True)


@pytest.mark.parametrize(
    "python",
    [
        sys.executable,
        pytest.param(
            DEBIAN_PYTHON,
            marks=pytest.mark.skipif(
                shutil.which(DEBIAN_PYTHON) is None, reason=f"no {DEBIAN_PYTHON} on this machine"
            ),
        ),
    ],
)
def test_an_export_holds_the_commits_files_and_leaves_the_work_in_progress_alone(python, tmp_path):
    repository = tmp_path / "repository"
    repository.mkdir()
    _git(repository, "init", "-q")
    (repository / "program").mkdir()
    (repository / "program" / "__main__.py").write_text("committed\n")
    (repository / "run.sh").write_text("#!/bin/sh\n")
    (repository / "run.sh").chmod(0o755)
    os.symlink("program/__main__.py", repository / "link")
    _git(repository, "add", "-A")
    _git(repository, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    # Work in progress: a staged edit, an unstaged edit and a new file.
    (repository / "run.sh").write_text("#!/bin/sh\nstaged\n")
    _git(repository, "add", "run.sh")
    (repository / "program" / "__main__.py").write_text("edited\n")
    (repository / "new.txt").write_text("untracked\n")
    status, staged = _git(repository, "status", "--porcelain"), _git(repository, "diff", "--cached")

    exported = tmp_path / "missing" / "export"
    _export(python, repository, exported)

    assert sorted(str(p.relative_to(exported)) for p in exported.rglob("*")) == [
        "link",
        "program",
        "program/__main__.py",
        "run.sh",
    ]
    assert (exported / "program" / "__main__.py").read_text() == "committed\n"
    assert (exported / "run.sh").read_text() == "#!/bin/sh\n"
    assert os.access(exported / "run.sh", os.X_OK)
    assert os.readlink(exported / "link") == "program/__main__.py"
    assert _git(repository, "status", "--porcelain") == status
    assert _git(repository, "diff", "--cached") == staged
    assert (repository / "program" / "__main__.py").read_text() == "edited\n"
