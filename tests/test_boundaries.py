"""The walls between the project's parts, read from the imports themselves, and the operations CLI
installed as a user installs it."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def test_no_module_of_the_product_or_the_pack_passes_250_lines():
    long = [
        f"{path.relative_to(ROOT)}: {count}"
        for folder in ("components", "policy", "settings", "manage_secrets")
        for path in (ROOT / folder).rglob("*.py")
        if (count := len(path.read_text().splitlines())) > 250
    ]
    assert long == []


def test_the_rotation_scheme_is_asked_whether_secrets_manager_rotates_in_three_places_at_most():
    """Everything else asks the scheme object what differs (stack_model/rotation_scheme.py)."""
    readers = sorted(
        str(path.relative_to(ROOT))
        for path in _python_files(".")
        if not {".venv", "build", "tests"} & set(path.relative_to(ROOT).parts)
        and path.name != "rotation_scheme.py"
        and "rotated_by_secrets_manager" in path.read_text()
    )
    assert len(readers) <= 3, readers
