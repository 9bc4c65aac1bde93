"""`manage-secrets adopt` against the setup the old guide's script and Terraform left behind, run
as a user runs it; its config replayed with the ported CLI semantics, until the synthesized
secrets equal the stored ones. Whether `pulumi import` accepts its import file and lands each
entry on the program's URNs is the real engine's to say (tests/test_engine_adoption.py), so no
port of the import-file rules is kept here."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
from config_replay import apply, project_copy
from conftest import ROOT

from harness.synth import synthesize
from stack_model.naming import StackNames
from tests.support.aws_emulator import REGION, emulator_env, leased_emulator

pytestmark = pytest.mark.heavy(seconds=9)

ACCOUNT = "123456789012"
JWT = "q4V0JmYwZ0bXcGk1R2xQb2xXc2V2Z3ZkN3d0eFpZYVE="  # 32 bytes, base64, as the script made it
PASSWORD = "Xq7Lm2Pz9Rk4Tw8Vb3Nd"  # 20 characters, as the script made it


@pytest.fixture(scope="module")
def moto():
    with leased_emulator() as server:
        yield server


def _values(names: StackNames, **overrides) -> tuple[dict, dict]:
    host = f"{names.prefix}-db.c8x2kd1qpt0z.{REGION}.rds.amazonaws.com"
    db = {
        "username": "programador_user",
        "password": PASSWORD,
        "engine": "postgres",
        "host": host,
        "port": 5432,
        "dbname": "programador_musical",
    }
    app = {
        "jwt_secret_key": JWT,
        "database_url": f"postgresql://programador_user:{PASSWORD}@{host}:5432/programador_musical",
        "database_host": host,
        "database_name": "programador_musical",
        "database_username": "programador_user",
        "database_password": PASSWORD,
    }
    for key, value in overrides.items():
        target, _, json_key = key.partition("__")
        values = app if target == "app" else db
        if value is None:
            values.pop(json_key)
        else:
            values[json_key] = value
    return app, db


def old_setup(
    moto, names: StackNames, reads: tuple[str, ...] = (), **overrides
) -> tuple[dict, dict]:
    """What `manage-secrets.sh create` and the guide's Terraform made: two secrets under the
    default key, the role with the guide's wildcard statement, a task definition revision."""
    app, db = _values(names, **overrides)
    secrets = moto.client("secretsmanager")
    secrets.create_secret(Name=names.app_secrets, SecretString=json.dumps(app))
    secrets.create_secret(Name=names.db_credentials, SecretString=json.dumps(db))
    iam = moto.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=names.execution_role, AssumeRolePolicyDocument=json.dumps(trust))
    wildcard = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{names.app}-*"],
            }
        ],
    }
    iam.put_role_policy(
        RoleName=names.execution_role,
        PolicyName=names.execution_secrets_policy,
        PolicyDocument=json.dumps(wildcard),
    )
    arn = secrets.describe_secret(SecretId=names.app_secrets)["ARN"]
    moto.client("ecs").register_task_definition(
        family=names.task_family,
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{names.execution_role}",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": "registry.example.com/app:1",
                "secrets": [
                    {"name": "SECRET_KEY", "valueFrom": f"{arn}:jwt_secret_key::"},
                    {"name": "DATABASE_PASSWORD", "valueFrom": f"{arn}:database_password::"},
                    *({"name": key.upper(), "valueFrom": f"{arn}:{key}::"} for key in reads),
                ],
            }
        ],
    )
    return app, db


def _env(moto) -> dict:
    # AWS_REGION, the variable the AWS CLI v2 and the SDKs document, rather than the default one.
    return emulator_env(moto.endpoint, region_variable="AWS_REGION")


def adopt(moto, names: StackNames, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "manage_secrets",
            "adopt",
            "--stack",
            names.stack,
            "--app",
            names.app,
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=_env(moto),
        capture_output=True,
        text=True,
    )


def replay(script: str, program, moto) -> None:
    """Each command of config.sh as a shell would run it: the left side of a pipe as a process
    (the real `manage-secrets get-value`), its output as the Pulumi CLI's stdin."""
    for line in script.splitlines():
        if not line or line.startswith("#") or line.startswith("set "):
            continue
        reader, _, writer = line.rpartition(" | ")
        stdin = None
        if reader:
            argv = shlex.split(reader)
            assert argv[0] == "manage-secrets"
            stdin = subprocess.run(
                [sys.executable, "-m", "manage_secrets", *argv[1:]],
                cwd=ROOT,
                env=_env(moto),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        apply(program, writer, stdin=stdin)


def test_adopt_keeps_every_value_and_lands_on_the_programs_urns(moto, tmp_path):
    names = StackNames("programador-musical", "production")
    stored_app, stored_db = old_setup(moto, names)
    out = tmp_path / "adopt"
    done = adopt(moto, names, out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # Nothing secret anywhere it wrote or printed.
    written = (out / "import.json").read_text() + (out / "config.sh").read_text() + done.stdout
    assert PASSWORD not in written and JWT not in written

    # Each entry names a resource of the program by its type and logical name.
    document = json.loads((out / "import.json").read_text())
    program = project_copy(tmp_path)
    replay((out / "config.sh").read_text(), program, moto)
    result = synthesize("production", program_dir=program, show_secrets=True)
    declared = {(r["type"], r["name"]) for r in result.resources}
    for entry in document["resources"]:
        assert (entry["type"], entry.get("logicalName") or entry["name"]) in declared, entry
    imported_types = {entry["type"] for entry in document["resources"]}
    assert {
        "aws:secretsmanager/secret:Secret",
        "aws:secretsmanager/secretVersion:SecretVersion",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:ecs/taskDefinition:TaskDefinition",
    } <= imported_types

    # The synthesized secrets equal what AWS holds: same keys, values and JSON types, except
    # the keys the stack adds, each of which the report lists.
    for name, stored in ((names.app_secrets, stored_app), (names.db_credentials, stored_db)):
        synthesized = json.loads(result.version_of(name)["inputs"]["secretString"])
        added = {k for k in synthesized if k not in stored}
        assert {k for k in added if f"{name}: the stack adds `{k}`" not in done.stdout} == set()
        kept = {k: v for k, v in synthesized.items() if k not in added}
        assert kept == stored
        assert {k: type(v) for k, v in kept.items()} == {k: type(v) for k, v in stored.items()}
    # The kept password replaces the generator, so nothing generates a new one.
    assert result.resources_of("random:index/randomPassword:RandomPassword") == []
    # The kept JWT key is the signing one; only the previous and next keys (which nothing
    # signed with) are generated.
    generated = result.resources_of("random:index/randomBytes:RandomBytes")
    assert sorted(r["name"] for r in generated) == [
        "application-secrets-jwt-key-slot-1",
        "application-secrets-jwt-key-slot-2",
    ]

    # The report names the wildcard statement that becomes exact ARNs.
    assert (
        f"the statement on arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:programador-musical-* "
        "becomes the two secrets' exact ARNs"
    ) in done.stdout
    assert "read only: nothing was changed" in done.stdout
    assert moto.client("secretsmanager").get_secret_value(SecretId=names.app_secrets)[
        "SecretString"
    ] == json.dumps(stored_app)


def test_a_secret_scheduled_for_deletion_is_refused_with_exit_7(moto, tmp_path):
    names = StackNames("legacy-deleted", "production")
    old_setup(moto, names)
    moto.client("secretsmanager").delete_secret(SecretId=names.db_credentials)
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 7
    assert f"run `manage-secrets restore {names.db_credentials}` first" in done.stderr
    assert not (tmp_path / "out").exists()


def test_keys_the_application_reads_must_exist_exit_16(moto, tmp_path):
    names = StackNames("legacy-keys", "production")
    old_setup(moto, names, app__database_password=None, db__engine=None)
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 16
    assert f"{names.app_secrets}: database_password" in done.stderr
    assert f"{names.db_credentials}: engine" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "it has 6 characters"), ("has/slash-and-more", 'contains / @ " or a space')],
)
def test_a_password_the_stack_would_refuse_is_not_kept_exit_17(moto, tmp_path, password, reason):
    names = StackNames(f"legacy-pw{len(password)}", "production")
    old_setup(moto, names, db__password=password, app__database_password=password)
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 17
    assert reason in done.stderr and "rotate it first" in done.stderr
    assert password not in done.stderr + done.stdout
    assert not (tmp_path / "out").exists()


def test_secrets_that_disagree_are_not_kept_exit_17(moto, tmp_path):
    names = StackNames("legacy-drift", "production")
    old_setup(moto, names, app__database_password="Another-password-99")
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 17
    assert f"{names.app_secrets}.database_password differs from" in done.stderr
    assert "Another-password-99" not in done.stderr


def test_nothing_to_adopt_exits_3(moto, tmp_path):
    done = adopt(moto, StackNames("never-created", "production"), tmp_path / "out")
    assert done.returncode == 3 and "Traceback" not in done.stderr


def test_what_the_stack_rewrites_is_reported_not_hidden(moto, tmp_path):
    names = StackNames("legacy-shape", "production")
    host = f"{names.prefix}-db.c8x2kd1qpt0z.{REGION}.rds.amazonaws.com"
    old_setup(
        moto,
        names,
        db__port="5432",
        app__database_url=f"postgres://programador_user@{host}/programador_musical",
        app__api_token="unused-by-the-task",
    )
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert f"{names.db_credentials}: `port` becomes a JSON number" in done.stdout
    assert f"{names.app_secrets}: `database_url` is rewritten from its parts" in done.stdout
    assert f"{names.app_secrets}: the stack drops `api_token` (no task reads it)" in done.stdout
    assert "unused-by-the-task" not in done.stdout


def test_a_key_the_task_reads_but_the_stack_would_drop_is_refused_exit_16(moto, tmp_path):
    names = StackNames("legacy-extra", "production")
    old_setup(moto, names, reads=("api_token",), app__api_token="read-by-the-task")
    done = adopt(moto, names, tmp_path / "out")
    assert done.returncode == 16
    assert f"{names.app_secrets}: api_token (read by the task, not written by the stack)" in (
        done.stderr
    )
    assert "read-by-the-task" not in done.stderr
