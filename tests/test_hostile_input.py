"""Hostile and careless input to the synth, as a hurried user types it: values AWS (or the app)
would refuse at deploy time are config errors naming the key (exit 2), broken stack files are
one located message that repeats no value (exit 2), usage errors never echo what may be a
secret (exit 64), and Ctrl-C or a closed pipe end without a traceback (130, 141)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, imports_and_messages, run_synth

from harness.stack_loading import StackRefused
from harness.synth import synthesize
from settings import ConfigError
from tools.synth import EXIT_CONFIG_ERROR, main

pytestmark = pytest.mark.heavy(seconds=11)

SECRET = "PLAINTEXT-JWT-KEY-0123456789abcdefghijklmnop"

# value -> the key the error must name; exit 2 in every case.
BAD_VALUES = [
    ({"databaseHost": "db.example.com\n"}, "databaseHost"),
    ({"databaseHost": "db.example.com\t"}, "databaseHost"),
    ({"databaseHost": "db\x00.example.com"}, "databaseHost"),
    ({"databaseName": "programador\n"}, "databaseName"),
    ({"databaseName": "select"}, "databaseName"),
    ({"databaseName": "SELECT"}, "databaseName"),
    ({"databaseUsername": "user"}, "databaseUsername"),
    ({"databaseUsername": "current_user"}, "databaseUsername"),
    ({"containerImage": "registry.example.com/app:1\n"}, "containerImage"),
    ({"containerSecrets": ["DB_USER\n=db:username"]}, "containerSecrets"),
    ({"containerSecrets": ["DB_USER=db:username\n"]}, "containerSecrets"),
    ({"monitoringAlarmEmails": ["oncall@example.com\n"]}, "monitoringAlarmEmails"),
    ({"monitoringAlarmEmails": ["on\x00call@example.com"]}, "monitoringAlarmEmails"),
    ({"monitoringAlarmEmails": ["on\x01call@example.com"]}, "monitoringAlarmEmails"),
    (
        {"monitoringCreateTrail": "false", "monitoringCloudTrailLogGroup": "org-trail\n"},
        "monitoringCloudTrailLogGroup",
    ),
    ({"tags": ["Team=platform\n"]}, "tags"),
    ({"tags": ["Team\t=platform"]}, "tags"),
    ({"tags": ["aws:owner=me"]}, "tags"),
    ({"tags": ["AWS:owner=me"]}, "tags"),
    ({"tags": ["K" * 129 + "=v"]}, "tags"),
    ({"tags": ["K=" + "v" * 257]}, "tags"),
    ({"tags": ["Team=caf\u00e9 <ops>"]}, "tags"),
    ({"tags": [f"T{i}=v" for i in range(48)]}, "tags"),
    ({"tags": ["Empty="]}, "tags"),  # production tags its trail; CloudTrail refuses ""
    ({"appName": "xn--app"}, "appName"),
    ({"appName": "sthree-app"}, "appName"),
    ({"appName": "amzn-s3-demo-app"}, "appName"),
    ({"appName": "app\n"}, "appName"),
    ({"aws:region": "mars-1"}, "aws:region"),
    ({"aws:region": "us-east-1\n"}, "aws:region"),
    ({"aws:region": "us-moon-9"}, "aws:region"),
    ({"rotationJwt": "2026-12-01\n"}, "rotationJwt"),
    ({"appName": ""}, "appName"),
]


@pytest.mark.parametrize(("overrides", "key"), BAD_VALUES, ids=[repr(o) for o, _ in BAD_VALUES])
def test_values_aws_would_refuse_are_config_errors_naming_the_key(overrides, key, capsys):
    if all(isinstance(value, str) for value in overrides.values()):
        # As a user types it: `python -m tools.synth --config KEY=VALUE`, exit 2, key named.
        arguments = [f"--config={name}={value}" for name, value in overrides.items()]
        assert main(arguments) == EXIT_CONFIG_ERROR
        stderr = capsys.readouterr().err
        assert f"programador-musical:{key} = " in stderr or f"{key} = " in stderr
        assert "Traceback" not in stderr
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides=overrides)
    assert key in {problem.key for problem in caught.value.problems}


ACCEPTED = [
    ({"tags": [f"T{i}=v" for i in range(47)]}, "47 extra tags + the stack's 3 = AWS's 50"),
    ({"tags": ["Team=caf\u00e9 ops"]}, "letters and spaces of any script"),
    ({"tags": ["Note="]}, None),  # accepted only without a trail (CloudTrail's minimum 1)
    ({"databaseName": "selection"}, "a reserved word inside a name is fine"),
    ({"appName": "no"}, "yaml.v3 reads `no` as a string, as the CLI does"),
    ({"aws:region": "eu-central-2"}, "a region botocore knows"),
]


@pytest.mark.parametrize(("overrides", "why"), ACCEPTED, ids=[repr(o) for o, _ in ACCEPTED])
def test_values_aws_accepts_stay_accepted(overrides, why):
    if "Note=" in overrides.get("tags", []):
        overrides = {**overrides, "monitoringCreateTrail": "false"}
    synthesize(overrides=overrides)


WRONG_YAML_TYPES = [
    ("programador-musical:databasePort: ~", "databasePort", "integer", "''"),
    ("programador-musical:databasePort: [5432]", "databasePort", "integer", "'[5432]'"),
    ("programador-musical:containerCpu: 1.5", "containerCpu", "integer", "'1.5'"),
    ("programador-musical:protect: yes", "protect", "boolean", "'yes'"),
    ("programador-musical:tags: Team=platform", "tags", "array<string>", "'Team=platform'"),
    ("programador-musical:appName: [a, b]", "appName", "string", '\'["a","b"]\''),
]


def _program_with(tmp_path, extra: str, stack_text: str | None = None):
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    text = stack_text if stack_text is not None else (ROOT / "Pulumi.production.yaml").read_text()
    (tmp_path / "Pulumi.production.yaml").write_bytes(
        (text + extra + "\n").encode("utf-8", "surrogateescape")
    )
    return tmp_path


MINIMAL_STACK = (
    "config:\n  aws:region: us-east-1\n"
    "  programador-musical:databaseHost: db.example.com\n"
    "  programador-musical:containerImage: registry.example.com/app:1\n"
)


@pytest.mark.parametrize(("line", "key", "kind", "shown"), WRONG_YAML_TYPES)
def test_a_value_of_the_wrong_yaml_type_names_key_value_and_type(tmp_path, line, key, kind, shown):
    program = _program_with(tmp_path, "  " + line, stack_text=MINIMAL_STACK)
    with pytest.raises(StackRefused) as caught:
        synthesize(program_dir=program)
    assert f"configuration key '{key}' must be of type '{kind}'" in str(caught.value)
    assert f"`programador-musical:{key}` = {shown}" in caught.value.hints


def test_a_yaml_no_is_the_string_no_as_the_clis_yaml_reads_it(tmp_path):
    # YAML 1.1 (PyYAML) reads `no` as false; yaml.v3, which the CLI uses, as the string "no".
    program = _program_with(tmp_path, "  programador-musical:appName: no", MINIMAL_STACK)
    result = synthesize(program_dir=program)
    names = {r["inputs"]["name"] for r in result.resources_of("aws:secretsmanager/secret:Secret")}
    assert names == {"no-production-app-secrets", "no-production-db-credentials"}


def test_a_yaml_null_for_a_string_key_is_an_empty_string_as_the_cli_reads_it(tmp_path):
    program = _program_with(tmp_path, "  programador-musical:appName: ~")
    with pytest.raises(ConfigError) as caught:
        synthesize(program_dir=program)
    assert [str(p) for p in caught.value.problems if p.key == "appName"][0].startswith(
        "appName = '':"
    )


# The CLI's own words for each (tests/test_engine_config_port.py holds the port to it).
BROKEN_FILES = [
    ("config:\n  - a\n  - b\n", "line 1", "cannot unmarshal !!seq into map"),
    ("just a scalar\n", "line 1", "expected project to be an object"),
    (
        "config:\n  aws:region: us-east-1\n  123: value\n",
        "line 3",
        "could not parse 123 as a configuration key",
    ),
    (
        "config:\n  aws:region: us-east-1\n  programador-musical:jwtSecretKey: \udcff\udcfe\n",
        "line 3",
        "invalid UTF-8",
    ),
    (
        f"config:\n  aws:region: us-east-1\n  programador-musical:jwtSecretKey: {SECRET}: x\n",
        "line 3",
        "mapping values are not allowed",
    ),
    (
        f"config:\n  programador-musical:jwtSecretKey: '{SECRET}\n",
        "line",
        "found unexpected end of stream",
    ),
    ("config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n", "line 3", "already defined"),
    ("config:\n\taws:region: us-east-1\n", "line 2", "found character that cannot start any token"),
]


@pytest.mark.parametrize(("text", "where", "what"), BROKEN_FILES)
def test_a_broken_stack_file_is_one_located_message_without_its_values(tmp_path, text, where, what):
    program = _program_with(tmp_path, "", stack_text=text)
    done = run_synth("--program", str(program))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Pulumi.production.yaml" in lines[0] and where in lines[0] and what in lines[0]
    assert SECRET not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--config", f"jwtSecretKey:{SECRET}"],
        ["--secret", f"jwtSecretKey:{SECRET}"],
        ["--config", "jwtSecretKey", SECRET],
        ["--secret", f"={SECRET}"],
    ],
    ids=["colon-config", "colon-secret", "space", "no-key"],
)
def test_usage_errors_never_repeat_what_may_be_a_secret(args):
    done = run_synth(*args)
    assert done.returncode == 64
    assert len(done.stderr.splitlines()) == 1
    assert SECRET not in done.stderr


def _slow_program(tmp_path):
    """A program that registers passwords for about 20 s, and touches `registering` as it
    starts, so Ctrl-C can land mid-run (the interrupt handler is in place within the first
    tenths of a second, even on a busy machine)."""
    (tmp_path / "Pulumi.yaml").write_text("name: slow\nruntime: python\n")
    (tmp_path / "Pulumi.production.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pathlib\n"
        "import pulumi_random as random\n"
        f"pathlib.Path({str(tmp_path / 'registering')!r}).touch()\n"
        "for index in range(20000):\n"
        "    random.RandomPassword(f'p{index}', length=16)\n"
    )
    return tmp_path


def _until_the_program_registers(program, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not (program / "registering").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the program never started"
        time.sleep(0.01)


# While the synth loads the SDK (0.4 s in), and once the program registers resources.
@pytest.mark.parametrize("moment", ["loading", "registering"])
def test_ctrl_c_ends_the_synth_with_one_line_and_exit_130(tmp_path, moment):
    program = _slow_program(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.synth", "--program", str(program)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if moment == "loading":
        time.sleep(0.4)
    else:
        _until_the_program_registers(program, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == "synth: interrupted\n"
    assert out == ""


def test_a_closed_pipe_ends_the_synth_quietly_with_exit_141():
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.synth"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # `| head` that has read enough before the synth prints
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141
    assert err == b""


def test_an_integer_beyond_int64_is_refused_as_the_cli_refuses_it():
    # Go's Atoi refuses it; Python would raise past its integer conversion limit (4300 digits).
    done = run_synth(
        "--config", "jwtKeyGeneration=" + "9" * 5000, env={"PYTHONPROFILEIMPORTTIME": "1"}
    )
    assert done.returncode == 2, done.stderr
    imported, messages = imports_and_messages(done.stderr)
    assert "configuration key 'jwtKeyGeneration' must be of type 'integer'" in messages[0]
    assert "(5000 characters)" in messages[1] and len(messages) == 2
    # Refused as the CLI refuses it, before the program and the SDK's import.
    assert "harness.stack_loading" in imported and "pulumi" not in imported
    with pytest.raises(ConfigError) as caught:
        from settings import load_settings

        load_settings("programador-musical", "production",
                      {"jwtKeyGeneration": "9" * 5000}.get, "us-east-1")  # fmt: skip
    assert "jwtKeyGeneration" in {problem.key for problem in caught.value.problems}


def test_a_key_of_another_namespace_is_named_as_it_is_set():
    done = run_synth("--config", "aws:region=mars-1")
    assert done.returncode == 2
    assert "  - aws:region = 'mars-1'" in done.stderr
    assert "programador-musical:aws:region" not in done.stderr
