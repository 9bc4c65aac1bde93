"""The operations CLI as a user installs it: `pip install '.[cli]'` into a new virtualenv (uv
builds the wheel from a copy of the checkout once and installs it), run from outside any checkout
with a recording `pulumi` on PATH. Every writing command runs Pulumi in the project it is pointed at;
without one it refuses before running anything; a stack the project does not have is refused
with the closest name; a plain `pip install .` says which install it needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from tests.support.aws_emulator import emulator_env, leased_emulator
from tests.support.fresh_venv import fresh_venv, venv_scratch

pytestmark = pytest.mark.heavy(seconds=10)

RECORDER = """#!{python}
import json, sys
with open({log!r}, "a") as log:
    log.write(json.dumps({{"args": sys.argv[1:], "stdin": sys.stdin.isatty() is False}}) + "\\n")
if sys.argv[1:3] == ["config", "get"]:
    print("3")
"""


def _venv(tmp: Path, name: str, requirement: str) -> Path:
    return fresh_venv(tmp / name, requirement).parents[1]


@pytest.fixture(scope="module")
def installed():
    """(the `cli` install, the plain install, the place outside any checkout they run from)."""
    with venv_scratch("installed-cli-") as tmp:
        # A copy of the checkout: building in the source tree would leave build/ behind.
        source = tmp / "source"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            ".*", "venv", "build", "*.egg-info", "__pycache__"))  # fmt: skip
        # One wheel, as pip builds from the checkout, installed with the extra and without it.
        subprocess.run(
            [sys.executable, "-m", "uv", "build", "--quiet", "--wheel", "--out-dir",
             str(tmp / "dist"), str(source)],
            check=True, capture_output=True,
        )  # fmt: skip
        (wheel,) = (tmp / "dist").glob("*.whl")
        with_cli = _venv(tmp, "cli", f"{wheel}[cli]")
        plain = _venv(tmp, "plain", str(wheel))
        outside = tmp / "elsewhere"
        outside.mkdir()
        yield with_cli, plain, outside


@pytest.fixture(scope="module")
def emulator():
    """A manual-scheme db-credentials (rotate-db asks Secrets Manager which scheme it is)."""
    with leased_emulator() as server:
        server.client("secretsmanager").create_secret(
            Name="programador-musical-production-db-credentials", SecretString="{}"
        )
        server.client("ssm").put_parameter(
            Name="/programador-musical/production/jwt_secret_key",
            Value="k" * 40,
            Type="SecureString",
        )
        yield server


def _run(environment: Path, cwd: Path, *args: str, extra_env: dict | None = None):
    log = cwd / "pulumi-calls.jsonl"
    stub = cwd / "stub-bin"
    stub.mkdir(exist_ok=True)
    (stub / "pulumi").write_text(RECORDER.format(python=sys.executable, log=str(log)))
    (stub / "pulumi").chmod(0o755)
    env = {**(extra_env or {}), "PATH": f"{stub}{os.pathsep}/usr/bin:/bin", "HOME": str(cwd)}
    done = subprocess.run(
        [str(environment / "bin" / "manage-secrets"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    calls = (
        [json.loads(line)["args"] for line in log.read_text().splitlines()] if log.exists() else []
    )
    log.unlink(missing_ok=True)
    return done, calls


WRITES = [
    ("create", "--yes"),
    ("update-value", "database_host", "db-2.example.com", "--yes"),
    ("rotate-jwt", "--yes"),
    ("rotate-db", "--yes"),
    ("delete", "--yes"),
    ("migrate-from-ssm", "--path", "/programador-musical/production", "--yes"),
]


@pytest.mark.parametrize("command", WRITES, ids=[c[0] for c in WRITES])
def test_every_writing_command_runs_pulumi_in_the_project_it_is_pointed_at(
    installed, emulator, command
):
    with_cli, _, outside = installed
    aws = emulator_env(emulator.endpoint)
    for how, env in (
        (["--project-dir", str(ROOT)], aws),
        ([], {**aws, "MANAGE_SECRETS_PROJECT_DIR": str(ROOT)}),
    ):
        done, calls = _run(with_cli, outside, *command, "--stack", "production", *how,
                           extra_env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert calls, "no Pulumi command ran"
        for args in calls:
            assert args[args.index("--cwd") + 1] == str(ROOT), args
            assert args[args.index("--stack") + 1] == "production", args


def test_from_a_folder_of_a_checkout_it_acts_on_that_checkout(installed, emulator):
    with_cli, _, _ = installed
    inside = ROOT / "docs"
    done, calls = _run(with_cli, inside, "create", "--yes",
                       extra_env=emulator_env(emulator.endpoint))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert calls and all(c[c.index("--cwd") + 1] == str(ROOT) for c in calls)


@pytest.mark.parametrize(
    "command", [WRITES[0], ("get",), ("doctor",)], ids=["create", "get", "doctor"]
)
def test_outside_any_checkout_it_refuses_before_running_anything(installed, command):
    with_cli, _, outside = installed
    done, calls = _run(with_cli, outside, *command)
    assert done.returncode == 21
    assert calls == []
    (line,) = done.stderr.strip().splitlines()
    assert "--project-dir" in line and "MANAGE_SECRETS_PROJECT_DIR" in line


def test_a_stack_the_project_lacks_is_refused_with_the_closest_name(installed):
    with_cli, _, outside = installed
    done, calls = _run(with_cli, outside, "create", "--yes", "--stack", "prodution",
                       "--project-dir", str(ROOT))  # fmt: skip
    assert done.returncode == 64 and calls == []
    (line,) = done.stderr.strip().splitlines()
    assert "no stack 'prodution'" in line and "did you mean production?" in line


def test_a_project_dir_that_is_no_checkout_is_refused(installed, tmp_path):
    with_cli, _, outside = installed
    done, calls = _run(with_cli, outside, "create", "--project-dir", str(tmp_path))
    assert done.returncode == 21 and calls == []
    assert "is not a checkout" in done.stderr


def test_a_plain_install_says_which_install_it_needs(installed):
    _, plain, outside = installed
    done, _ = _run(plain, outside, "list")
    assert done.returncode == 22
    (line,) = done.stderr.strip().splitlines()
    assert "pip install '.[cli]'" in line and "Traceback" not in done.stderr


def test_the_wheel_holds_the_runtime_packages_only(installed):
    with_cli, _, outside = installed
    (site,) = (with_cli / "lib").glob("python3*/site-packages")
    assert {"stack_model", "settings", "components", "manage_secrets"} <= {
        p.name for p in site.iterdir()
    }
    for development in ("tools", "tests", "engine", "bench"):
        assert not (site / development).exists()
    helped, _ = _run(with_cli, outside, "--help")
    assert helped.returncode == 0 and "doctor" in helped.stdout and "rotate-db" in helped.stdout
