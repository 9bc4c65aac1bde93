"""Project files stay as the README and the Pulumi CLI expect them."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml
from conftest import ROOT

from settings import ConfigError, load_settings


def test_pulumi_project_declares_runtime_and_typed_config():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "programador-musical"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv"},
    }
    for key, spec in project["config"].items():
        assert spec["description"], key
        # Only the optional secret goes untyped (tools/project_config.py says why).
        assert spec.get("type") in ("string", "integer", "boolean", "array") or (
            spec["secret"] and spec["default"] == ""
        ), key
        if spec.get("type") == "array":
            assert "items" in spec, key


def test_runtime_requirements_use_compatible_release_pins():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {re.split("~=", line)[0] for line in lines} == {
        "pulumi",
        "pulumi-aws",
        "pulumi-random",
        "botocore",
        # the offline synth and plan (harness/pulumi_cli) read Pulumi.yaml with the CLI's schema
        "jsonschema",
    }
    assert all("~=" in line for line in lines)


def test_pulumi_yaml_config_and_the_config_table_are_generated_from_the_declarations():
    from tools import docs_tables, project_config

    assert (ROOT / "Pulumi.yaml").read_text() == project_config.project_file()
    reference = (ROOT / "docs" / "configuration.md").read_text()
    assert reference == docs_tables.rendered(reference)
    for key in yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]:
        assert f"| `{key}` |" in reference, key


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert "make test" in (ROOT / "README.md").read_text()


def test_only_required_keys_lack_a_default():
    """The Pulumi CLI refuses a stack that has no value for a key declared without a default,
    so such keys must be the ones the program itself requires."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    without_default = {key for key, spec in project["config"].items() if "default" not in spec}
    assert without_default == {"databaseHost", "containerImage"}
    with pytest.raises(ConfigError) as caught:
        load_settings("programador-musical", "production", lambda key: None, "us-east-1")
    assert {problem.key for problem in caught.value.problems} == without_default


def test_a_bare_make_lists_every_target_with_what_it_does():
    done = subprocess.run(
        ["make", "--no-print-directory"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    listed = dict(re.findall(r"(?m)^  ([a-z]+)\s+(.+)$", done.stdout))
    phony = (ROOT / "Makefile").read_text().split(".PHONY:", 1)[1].splitlines()[0].split()
    assert set(listed) == set(phony)
    assert all(listed.values())


def _interpreter_make_chooses(*settings: str, environment: dict | None = None) -> str:
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval=shown: ; @echo $(PYTHON)", "shown"]
        + list(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHON"} | (environment or {}),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _script(path, exit_code: int) -> str:
    path.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    path.chmod(0o755)
    return str(path)


def test_the_virtualenv_is_made_with_the_system_python_when_it_can_make_one(tmp_path):
    able = _script(tmp_path / "able", 0)
    # Debian's python3.11 without python3.11-venv: `import ensurepip` fails, so does `-m venv`.
    unable = _script(tmp_path / "unable", 1)
    assert _interpreter_make_chooses(f"SYSTEM_PYTHON={able}") == able
    assert _interpreter_make_chooses(f"SYSTEM_PYTHON={unable}") == "python3"
    assert _interpreter_make_chooses(f"SYSTEM_PYTHON={tmp_path}/none") == "python3"
    # The user's choice wins, on the command line or in the environment.
    assert _interpreter_make_chooses(f"SYSTEM_PYTHON={able}", "PYTHON=mine") == "mine"
    assert (
        _interpreter_make_chooses(f"SYSTEM_PYTHON={able}", environment={"PYTHON": "env"}) == "env"
    )
