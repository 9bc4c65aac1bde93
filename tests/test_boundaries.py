"""The walls between the project's parts, read from the imports themselves, and the operations CLI
installed as a user installs it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from conftest import ROOT

RUNTIME = ["stack_model", "settings", "components", "manage_secrets", "policy"]
RUNTIME_FILES = ["__main__.py", "outputs_contract.py"]
DEV_ONLY = {"tools", "tests", "bench", "conftest"}
THIRD_PARTY_SDKS = {"pulumi", "pulumi_aws", "pulumi_random", "pulumi_policy", "boto3", "botocore"}


def _python_files(*roots: str) -> list[Path]:
    files = []
    for root in roots:
        path = ROOT / root
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if "venv" not in f.parts]


def _imports(path: Path) -> set[str]:
    """Top-level names of every module the file imports, at any depth (lazy imports count)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _offenders(files: list[Path], forbidden: set[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {sorted(_imports(path) & forbidden)}"
        for path in files
        if _imports(path) & forbidden
    ]


def test_runtime_code_never_imports_dev_tooling():
    assert _offenders(_python_files(*RUNTIME, *RUNTIME_FILES), DEV_ONLY) == []


def test_the_shared_model_imports_no_sdk_and_no_other_part():
    forbidden = THIRD_PARTY_SDKS | {"components", "settings", "manage_secrets"} | DEV_ONLY
    assert _offenders(_python_files("stack_model"), forbidden) == []


def test_settings_and_the_cli_import_no_component():
    files = _python_files("settings", "manage_secrets")
    assert _offenders(files, {"components"}) == []


def test_nothing_edits_sys_path():
    offenders = []
    for path in _python_files("."):
        # build/ holds the copies `pip install .` makes of the same files.
        if {".venv", "build"} & set(path.parts) or path.name == "test_boundaries.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_cli_starts_without_the_pulumi_sdk_or_boto3():
    code = (
        "import sys, manage_secrets.cli, settings; "
        "loaded = sorted(m for m in ('pulumi', 'boto3', 'components') if m in sys.modules); "
        "print(loaded)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_pip_install_cli_extra_gives_a_working_manage_secrets(tmp_path):
    """`pip install '.[cli]'` in a new virtualenv, then the console script, run away from the
    checkout so nothing comes from it."""
    # A copy of the checkout: pip builds in the source tree and would leave build/ behind.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".*", "venv", "build", "*.egg-info", "__pycache__"),
    )
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    pip = [str(environment / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "install", "--quiet", f"{source}[cli]"],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    script = environment / "bin" / "manage-secrets"
    helped = subprocess.run(
        [str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, env={"PATH": ""}
    )
    assert helped.returncode == 0, helped.stderr
    assert "doctor" in helped.stdout and "rotate-db" in helped.stdout
    # A real command runs too: with no region anywhere it stops with its one-line error.
    listed = subprocess.run(
        [str(script), "list", "--stack", "production"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "", "HOME": str(tmp_path)},
    )
    assert listed.returncode != 0 and "Traceback" not in listed.stderr
    assert "region" in listed.stderr and len(listed.stderr.strip().splitlines()) == 1
    (site,) = (environment / "lib").glob("python3*/site-packages")
    assert {"stack_model", "settings", "components", "manage_secrets"} <= {
        p.name for p in site.iterdir()
    }
    assert not (site / "tools").exists() and not (site / "tests").exists()
