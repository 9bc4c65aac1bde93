"""The operations CLI against a moto server on 127.0.0.1, driven as a separate process over HTTP.

The emulator is loaded from the synthesized stack itself (secrets with their JSON, the role and
its policies, the task definition), so these tests also prove the emulator's APIs accept what
the stack declares. Faults moto cannot produce (throttling, access denied) come from a local
fault server that answers like AWS's JSON protocol.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from conftest import ROOT, synth

from tests.support.aws_emulator import (
    REGION,
    FaultServer,
    PolicySimulator,
    RunningTasks,
    deploy,
    emulator_env,
    leased_emulator,
)

pytestmark = pytest.mark.heavy(seconds=45)

APP = "programador-musical-production-app-secrets"
DB = "programador-musical-production-db-credentials"
PREFIX = "programador-musical-production"
COMMON = ["--stack", "production", "--cwd", str(ROOT)]


@pytest.fixture(scope="module")
def moto():
    with leased_emulator() as server:
        yield server


@pytest.fixture()
def stack(moto, request):
    """One deployment serves every test that only reads the emulator; a test marked `mutates`
    leaves it dirty, and the next test gets a fresh one (reset and deploy: 0.1 s). Tests
    marked `manual_scheme` share one state with the rotation cancelled."""
    manual = request.node.get_closest_marker("manual_scheme") is not None
    if moto.deployed is None or moto.dirty or (moto.manual_scheme and not manual):
        moto.reset()
        # Without replicas: moto keeps a replica under aws/secretsmanager whatever key it is
        # given, which AWS does not; replicas have their own doctor tests below.
        moto.deployed = deploy(moto, synth(show_secrets=True, replicaRegions=[]))
    if manual and not moto.manual_scheme:
        manual_rotation(moto)
    if request.node.get_closest_marker("mutates"):
        moto.dirty = True
    return moto.deployed


def cli_env(endpoint: str, **extra: str) -> dict:
    return emulator_env(endpoint, **extra)


def run(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "manage_secrets", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_code(env: dict, code: str) -> subprocess.CompletedProcess:
    """`python -c CODE` from the repository root: the CLI driven with something changed."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture()
def aws(moto, stack):
    return lambda *args, env=None, stdin=None: run(
        env or cli_env(moto.endpoint), *args, stdin=stdin
    )


@pytest.fixture()
def cli(moto):
    """The CLI against moto as it is, for commands that fail or run only Pulumi before any AWS
    call: no reset and redeploy of the emulator (2 s each)."""
    return lambda *args, env=None, stdin=None: run(
        env or cli_env(moto.endpoint), *args, stdin=stdin
    )


def assert_one_line_error(
    done: subprocess.CompletedProcess, code: int, *secrets: str, warnings: int = 0
) -> str:
    """The error is one line; `warnings` lines before it may only be warnings."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    *before, last = done.stderr.strip().splitlines()
    assert len(before) == warnings, done.stderr
    assert all(line.startswith("manage_secrets: warning: ") for line in before), done.stderr
    lines = [last]
    assert lines[0].startswith("manage_secrets: ")
    assert "Traceback" not in done.stderr
    for secret in secrets:
        assert secret not in done.stdout + done.stderr
    return lines[0]


def all_values(stack) -> list[str]:
    return [
        str(v)
        for values in stack.values.values()
        for k, v in values.items()
        if k in ("jwt_secret_key", "jwt_secret_key_previous", "password")
    ]


# ---------------------------------------------------------------------------- read commands


def test_list_shows_the_stack_secrets_with_their_metadata(aws, stack):
    done = aws("list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "NAME",
        "LAST",
        "CHANGED",
        "LAST",
        "ACCESSED",
        "KMS",
        "KEY",
        "ROTATION",
        "PLANNED",
        "DELETION",
    ]
    assert [line.split()[0] for line in lines[1:]] == [APP, DB]
    assert stack.key_id and stack.key_id in done.stdout  # the customer-managed key


@pytest.mark.mutates
def test_list_json_filters_by_stack_across_pages(aws, moto, stack):
    secrets = moto.client("secretsmanager")
    for index in range(120):
        secrets.create_secret(Name=f"programador-musical-loadtest-{index:03d}", SecretString="{}")
    for index in range(30):
        secrets.create_secret(Name=f"other-app-{index:03d}", SecretString="{}")
    everything = json.loads(aws("list", "--json").stdout)
    assert len(everything) == 122
    assert {r["name"] for r in everything} >= {APP, DB}
    loadtest = json.loads(aws("list", "--json", "--stack", "loadtest").stdout)
    assert len(loadtest) == 120
    assert set(loadtest[0]) == {
        "name",
        "lastChanged",
        "lastAccessed",
        "kmsKey",
        "rotation",
        "plannedDeletion",
    }
    assert aws("list", "--stack", "staging").stdout.startswith(
        "no secrets named programador-musical-staging-*"
    )


def test_get_masks_every_value(aws, stack):
    done = aws("get")
    assert done.returncode == 0
    for value in all_values(stack):
        assert value not in done.stdout
    assert (
        f"jwt_secret_key: ******** ({len(stack.values[APP]['jwt_secret_key'])} characters)"
        in done.stdout
    )
    assert f"{DB}\n  username: ********" in done.stdout


def test_get_show_reveals_and_the_help_says_so(aws, stack):
    done = aws("get", "--show")
    assert stack.values[DB]["password"] in done.stdout
    assert stack.values[APP]["jwt_secret_key_previous"] in done.stdout
    assert "clear text" in aws("get", "--help").stdout


def test_get_value_prints_the_raw_value_for_scripts(aws, stack):
    assert aws("get-value", "jwt_secret_key").stdout == stack.values[APP]["jwt_secret_key"] + "\n"
    assert aws("get-value", "port", "--secret", "db").stdout == "5432\n"
    previous = aws("get-value", "jwt_secret_key_previous").stdout.strip()
    assert previous == stack.values[APP]["jwt_secret_key_previous"]


def test_get_value_of_a_missing_key_lists_the_valid_ones(aws, stack):
    line = assert_one_line_error(aws("get-value", "password"), 12, *all_values(stack))
    assert "valid keys: jwt_secret_key, jwt_secret_key_previous" in line and "--secret db" in line


@pytest.mark.mutates
def test_versions_lists_ids_stages_and_dates(aws, moto, stack):
    moto.client("secretsmanager").put_secret_value(
        SecretId=APP, SecretString=json.dumps(stack.values[APP])
    )
    done = aws("versions")
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    assert [row[0] for row in rows].count(APP) == 2
    assert {row[2] for row in rows if row[0] == APP} == {"AWSCURRENT", "AWSPREVIOUS"}


@pytest.mark.mutates
def test_restore_cancels_a_planned_deletion(aws, moto, stack):
    moto.client("secretsmanager").delete_secret(SecretId=APP, RecoveryWindowInDays=7)
    assert_one_line_error(aws("get-value", "jwt_secret_key"), 7)
    done = aws("restore", APP)
    assert done.returncode == 0 and "restored" in done.stdout
    assert aws("get-value", "jwt_secret_key").returncode == 0
    assert "nothing to restore" in aws("restore", APP).stdout


# ---------------------------------------------------------------------------- doctor


def test_doctor_passes_on_the_deployed_stack(aws):
    done = aws("doctor")
    assert done.returncode == 0, done.stdout
    text = done.stdout
    for expected in (
        "PASS  credentials",
        f"PASS  {APP} exists in us-east-1",
        f"PASS  {DB} is not scheduled for deletion",
        f"PASS  {PREFIX}-ecs-execution-role may GetSecretValue on {APP}",
        f"PASS  {PREFIX}-ecs-execution-role may decrypt {DB} with its KMS key",
        "PASS  app: APP_SECRETS resolves",
        f"PASS  {APP} holds every JWT key the application accepts: generation 0 signs; the "
        "previous, signing and next keys are present",
        f"PASS  {DB} is rotated by Secrets Manager",
        f"PASS  rotation function {PREFIX}-db-rotation exists",
        f"PASS  Secrets Manager may invoke {PREFIX}-db-rotation",
        f"PASS  no version of {DB} is stuck in AWSPENDING",
        "PASS  app: DATABASE_CREDENTIALS resolves",
        f"PASS  {APP} KMS key is enabled",
    ):
        assert expected in text, expected
    assert "FAIL" not in text and "WARN" not in text
    assert text.rstrip().endswith("0 failed, 0 warnings")


@pytest.mark.mutates
def test_doctor_warns_about_access_beyond_the_exact_arns_and_a_missing_resource_policy(
    aws, moto, stack
):
    iam = moto.client("iam")
    # The old guide's statement, left on the role beside the stack's exact grant.
    wildcard = "arn:aws:secretsmanager:us-east-1:123456789012:secret:programador-musical-*"
    iam.put_role_policy(
        RoleName=f"{PREFIX}-ecs-execution-role",
        PolicyName="legacy-secrets",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Legacy",
                        "Effect": "Allow",
                        "Action": ["secretsmanager:GetSecretValue"],
                        "Resource": wildcard,
                    }
                ],
            }
        ),
    )
    moto.client("secretsmanager").delete_resource_policy(SecretId=stack.secret_arns[DB])
    done = aws("doctor")
    assert done.returncode == 0, done.stdout  # everything still works: warnings, not failures
    text = done.stdout
    assert (
        f"WARN  {PREFIX}-ecs-execution-role reaches only this stack's secrets: Legacy allows "
        f"secretsmanager:GetSecretValue on {wildcard}"
    ) in text
    assert f"WARN  {DB} has its resource policy: none attached" in text
    assert text.count("fix: ") == text.count("WARN  ") == 2
    assert text.rstrip().endswith("0 failed, 2 warnings")


@pytest.mark.mutates
def test_doctor_reports_each_replica_and_whether_it_is_in_sync(aws, moto, stack):
    moto.client("secretsmanager").replicate_secret_to_regions(
        SecretId=stack.secret_arns[APP], AddReplicaRegions=[{"Region": "eu-west-1"}]
    )
    done = aws("doctor")
    assert f"PASS  replica of {APP} in eu-west-1 is InSync: InSync" in done.stdout


@pytest.mark.mutates
def test_doctor_reports_each_problem_with_a_fix(aws, moto, stack):
    secrets, iam, kms = (moto.client(s) for s in ("secretsmanager", "iam", "kms"))
    secrets.delete_secret(SecretId=DB, RecoveryWindowInDays=7)
    iam.delete_role_policy(
        RoleName=f"{PREFIX}-ecs-execution-role", PolicyName=f"{PREFIX}-ecs-execution-secrets"
    )
    kms.disable_key(KeyId=stack.key_id)
    container = {
        "name": "app",
        "image": "x",
        "memory": 512,
        "secrets": [{"name": "SECRET_KEY", "valueFrom": f"{stack.secret_arns[APP]}:no_such_key::"}],
    }
    moto.client("ecs").register_task_definition(
        family=f"{PREFIX}-app", containerDefinitions=[container]
    )
    done = aws("doctor")
    assert done.returncode == 1
    text = done.stdout
    assert f"FAIL  {DB} is not scheduled for deletion" in text and f"restore {DB}" in text
    assert (
        f"FAIL  {PREFIX}-ecs-execution-role may GetSecretValue on {APP}: implicitly denied" in text
    )
    assert "FAIL  app: SECRET_KEY resolves" in text and "no JSON key 'no_such_key'" in text
    assert f"FAIL  {APP} KMS key is enabled" in text and "Disabled" in text
    assert text.count("fix: ") == text.count("FAIL  ")
    for value in all_values(stack):
        assert value not in text


@pytest.mark.mutates
def test_doctor_fails_a_key_set_that_lacks_a_key_and_a_container_that_reads_keys_one_by_one(
    aws, moto, stack
):
    secrets = moto.client("secretsmanager")
    two_slot = json.loads(secrets.get_secret_value(SecretId=APP)["SecretString"])
    del two_slot["jwt_secret_key_next"], two_slot["jwt_key_generation"]
    secrets.put_secret_value(SecretId=APP, SecretString=json.dumps(two_slot))
    container = {
        "name": "app",
        "image": "x",
        "memory": 512,
        "secrets": [
            {"name": "SECRET_KEY", "valueFrom": f"{stack.secret_arns[APP]}:jwt_secret_key::"},
            {"name": "OLD", "valueFrom": f"{stack.secret_arns[APP]}:jwt_secret_key_previous::"},
        ],
    }
    moto.client("ecs").register_task_definition(
        family=f"{PREFIX}-app", containerDefinitions=[container]
    )
    done = aws("doctor")
    assert done.returncode == 1
    text = done.stdout
    assert (
        f"FAIL  {APP} holds every JWT key the application accepts: missing or empty: "
        "jwt_secret_key_next" in text
    )
    assert (
        f"FAIL  app reads the JWT key set in one variable: SECRET_KEY, OLD read single keys of {APP}"
        in text
    )
    assert text.count("fix: ") == text.count("FAIL  ")
    for value in two_slot.values():
        assert str(value) not in text


def test_doctor_regions_says_where_else_a_secret_exists(aws, moto, stack):
    moto.client("secretsmanager", "eu-north-1").create_secret(Name=APP, SecretString="{}")
    assert (
        f"{stack.secret_arns[APP]} (also in eu-north-1)"
        in aws("doctor", "--regions", "eu-north-1").stdout
    )
    elsewhere = aws("doctor", "--region", "eu-west-2", "--regions", "us-east-1,eu-north-1")
    assert elsewhere.returncode == 1
    assert f"FAIL  {APP} exists in eu-west-2" in elsewhere.stdout
    assert "found in us-east-1, eu-north-1" in elsewhere.stdout


# ---------------------------------------------------------------------------- SSM migration


def _ssm_parameters(moto):
    # Idempotent: the emulator is shared by the tests that only add what others do not read.
    ssm = moto.client("ssm")
    ssm.put_parameter(
        Name="/programador-musical/production/jwt_secret_key",
        Value="ssm-jwt-key-value-0123456789abcdef-xyz",
        Type="SecureString",
        Overwrite=True,
    )
    ssm.put_parameter(
        Name="/programador-musical/production/database/host",
        Value="old-db.example.com",
        Type="String",
        Overwrite=True,
    )
    ssm.put_parameter(
        Name="/programador-musical/production/database_password",
        Value="ssm-old-password",
        Type="SecureString",
        Overwrite=True,
    )
    ssm.put_parameter(
        Name="/programador-musical/production/feature_flag",
        Value="on",
        Type="String",
        Overwrite=True,
    )


def test_migrate_dry_run_prints_the_plan_masked_and_lists_the_rest(aws, moto):
    _ssm_parameters(moto)
    done = aws("migrate-from-ssm", "--path", "/programador-musical/production", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert (
        "/programador-musical/production/jwt_secret_key -> jwtSecretKey (secret) = ******** (38 characters)"
        in done.stdout
    )
    assert "/programador-musical/production/database/host -> databaseHost" in done.stdout
    assert "database_password: not migrated, the stack generates the password" in done.stdout
    assert "feature_flag: not migrated, no config key matches it" in done.stdout
    for value in ("ssm-jwt-key-value", "old-db.example.com", "ssm-old-password"):
        assert value not in done.stdout


def test_migrate_sets_secret_config_through_pulumi_on_stdin(aws, moto, pulumi_stub, tmp_path):
    from config_replay import apply, program_reads, project_copy

    _ssm_parameters(moto)
    done = aws(
        "migrate-from-ssm",
        "--path",
        "/programador-musical/production",
        "--yes",
        env=pulumi_stub.env,
    )
    assert done.returncode == 0, done.stderr
    assert pulumi_stub.calls() == [
        (
            ["config", "set", *COMMON, "--secret", "databaseHost"],
            "old-db.example.com",
        ),
        (
            ["config", "set", *COMMON, "--secret", "jwtSecretKey"],
            "ssm-jwt-key-value-0123456789abcdef-xyz",
        ),
    ]
    assert "ssm-jwt-key-value" not in done.stdout + done.stderr
    # Replayed with the CLI's semantics, the program reads each value, as a secret.
    program = project_copy(tmp_path)
    for argv, given in pulumi_stub.calls():
        apply(program, ["pulumi", *argv], stdin=given)
    assert program_reads(program, "databaseHost") == ("old-db.example.com", True)
    assert program_reads(program, "jwtSecretKey") == (
        "ssm-jwt-key-value-0123456789abcdef-xyz",
        True,
    )


def test_migrate_from_an_empty_path_is_an_error(aws):
    line = assert_one_line_error(aws("migrate-from-ssm", "--path", "/nothing/here"), 3)
    assert "no parameters under /nothing/here" in line


# ---------------------------------------------------------------------------- Pulumi-driven writes


class PulumiStub:
    def __init__(self, directory, endpoint):
        self.log = directory / "calls.jsonl"
        script = directory / "pulumi"
        script.write_text(
            f"#!{sys.executable}\n"
            "import json, os, sys\n"
            "data = sys.stdin.read() if '--secret' in sys.argv else None\n"
            "with open(os.environ['PULUMI_STUB_LOG'], 'a') as log:\n"
            "    log.write(json.dumps([sys.argv[1:], data]) + '\\n')\n"
            "if sys.argv[1:3] == ['config', 'get']:\n"
            "    value = os.environ.get('PULUMI_STUB_CONFIG_' + sys.argv[-1])\n"
            "    if value is None:\n"
            "        sys.stderr.write(f'configuration key {sys.argv[-1]!r} not found\\n')\n"
            "        sys.exit(255)\n"
            "    print(value)\n"
            "sys.exit(int(os.environ.get('PULUMI_STUB_EXIT', '0')))\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        self.env = cli_env(
            endpoint,
            PATH=f"{directory}{os.pathsep}{os.environ['PATH']}",
            PULUMI_STUB_LOG=str(self.log),
        )

    def calls(self):
        if not self.log.exists():
            return []
        return [tuple(json.loads(line)) for line in self.log.read_text().splitlines()]


@pytest.fixture()
def pulumi_stub(tmp_path, moto):
    return PulumiStub(tmp_path, moto.endpoint)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["create", "--yes"], [(["up", *COMMON, "--yes"], None)]),
        (
            ["rotate-jwt", "--yes"],
            [
                (["config", "get", *COMMON, "jwtKeyGeneration"], None),
                (["config", "set", *COMMON, "jwtKeyGeneration", "1"], None),
                (["up", *COMMON, "--yes"], None),
            ],
        ),
        (
            ["rotate-jwt", "--emergency", "--yes"],
            [
                (["config", "get", *COMMON, "jwtKeyGeneration"], None),
                (["config", "set", *COMMON, "jwtKeyGeneration", "3"], None),
                # An imported key is generation 0's: the set of generation 2 no longer holds it.
                (["config", "rm", *COMMON, "jwtSecretKey"], None),
                (["up", *COMMON, "--yes"], None),
            ],
        ),
        (
            ["update-value", "database_host", "new-db.example.com", "--yes"],
            [
                (["config", "set", *COMMON, "databaseHost", "new-db.example.com"], None),
                (["up", *COMMON, "--yes"], None),
            ],
        ),
        (["delete", "--yes"], [(["destroy", *COMMON, "--yes"], None)]),
        (
            ["rotate-jwt", "--stack", "staging", "--yes"],
            [
                (
                    ["config", "get", "--stack", "staging", "--cwd", str(ROOT), "jwtKeyGeneration"],
                    None,
                ),
                (
                    [
                        "config",
                        "set",
                        "--stack",
                        "staging",
                        "--cwd",
                        str(ROOT),
                        "jwtKeyGeneration",
                        "1",
                    ],
                    None,
                ),
                (["up", "--stack", "staging", "--cwd", str(ROOT), "--yes"], None),
            ],
        ),
    ],
)
def test_writes_run_exactly_these_pulumi_commands(aws, pulumi_stub, args, expected):
    done = aws(*args, env=pulumi_stub.env)
    assert done.returncode == 0, done.stderr
    assert pulumi_stub.calls() == expected
    for argv, _ in expected:
        if argv[:2] != ["config", "get"]:  # a read runs at once, without being announced
            assert "$ pulumi " + " ".join(argv) in done.stdout


def manual_rotation(moto) -> None:
    """db-credentials as a stack with rotationManaged=false has it: no rotation configured."""
    moto.client("secretsmanager").cancel_rotate_secret(SecretId=DB)
    moto.manual_scheme = True


@pytest.mark.parametrize(
    ("args", "stdin", "key", "intended", "secret"),
    [
        (["rotate-jwt"], None, "jwtKeyGeneration", 1, False),
        (["rotate-jwt", "--emergency"], None, "jwtKeyGeneration", 3, False),
        pytest.param(
            ["rotate-db", "--token", "t-2026"],
            None,
            "rotationDatabase",
            "t-2026",
            False,
            marks=pytest.mark.manual_scheme,
        ),
        (
            ["update-value", "database_host", "db2.example.com"],
            None,
            "databaseHost",
            "db2.example.com",
            False,
        ),
        (["update-value", "port", "5433"], None, "databasePort", 5433, False),
        (
            ["update-value", "engine", "aurora-postgresql"],
            None,
            "databaseEngine",
            "aurora-postgresql",
            False,
        ),
        (["update-value", "dbname", "app_db"], None, "databaseName", "app_db", False),
        (["update-value", "username", "app_user"], None, "databaseUsername", "app_user", False),
        (["update-value", "jwt_secret_key", "-"], "k" * 40 + "\n", "jwtSecretKey", "k" * 40, True),
    ],
)
def test_config_the_cli_writes_is_read_by_the_program_as_intended(
    cli, moto, request, pulumi_stub, tmp_path, args, stdin, key, intended, secret
):
    from config_replay import apply, program_reads, project_copy

    if args[0] == "rotate-db":  # the manual scheme: it reads the secret's rotation first
        request.getfixturevalue("stack")
    done = cli(*args, "--yes", env=pulumi_stub.env, stdin=stdin)
    assert done.returncode == 0, done.stderr
    program = project_copy(tmp_path)
    # Kept values from an adoption or an import, which a rotation must drop to rotate at all.
    apply(program, "pulumi config set --secret jwtSecretKey", stdin="k" * 44 + "\n")
    apply(program, "pulumi config set --secret databasePassword", stdin="Kept-password-1234\n")
    for argv, given in pulumi_stub.calls():
        if argv[:1] == ["config"] and argv[1] != "get":
            apply(program, ["pulumi", *argv], stdin=given)
    assert program_reads(program, key) == (intended, secret)
    kept = {"rotate-db": "databasePassword"}.get(args[0])
    if "--emergency" in args:
        kept = "jwtSecretKey"
    if kept:
        assert program_reads(program, kept) == ("", False)  # the declared default: generate


def test_secret_update_goes_through_stdin_and_is_never_printed(aws, pulumi_stub):
    done = aws(
        "update-value",
        "jwt_secret_key",
        "-",
        "--yes",
        env=pulumi_stub.env,
        stdin="new-jwt-key-from-stdin-0123456789abcdef\n",
    )
    assert done.returncode == 0, done.stderr
    assert pulumi_stub.calls()[0] == (
        ["config", "set", *COMMON, "--secret", "jwtSecretKey"],
        "new-jwt-key-from-stdin-0123456789abcdef",
    )
    assert "new-jwt-key-from-stdin-0123456789abcdef" not in done.stdout + done.stderr
    assert "< (secret value on stdin)" in done.stdout


def _database(moto, instance: str) -> str:
    """An RDS instance of its own per test: the emulator is shared."""
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier=instance,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        MasterUsername="programador_user",
        MasterUserPassword="old-password-123",
        AllocatedStorage=20,
    )
    return instance


@pytest.mark.manual_scheme
def test_rotate_db_applies_the_new_password_to_rds_and_waits(aws, moto, stack, pulumi_stub):
    instance = _database(moto, f"{PREFIX}-db")
    with PolicySimulator("allowed") as simulator:
        env = {**pulumi_stub.env, "AWS_ENDPOINT_URL_IAM": simulator.endpoint}
        done = aws("rotate-db", "--token", "t", "--rds-instance", instance, "--yes", env=env)
    assert done.returncode == 0, done.stderr
    (asked,) = simulator.requests
    assert asked["Action"] == "SimulatePrincipalPolicy"
    assert asked["ActionNames.member.1"] == "rds:ModifyDBInstance"
    assert asked["ResourceArns.member.1"].endswith(f":db:{instance}")
    assert (
        f"aws rds modify-db-instance --db-instance-identifier {PREFIX}-db --master-user-password ********"
        in done.stdout
    )
    assert f"{PREFIX}-db has the new password and is available" in done.stdout
    assert stack.values[DB]["password"] not in done.stdout + done.stderr
    instance = moto.client("rds").describe_db_instances(DBInstanceIdentifier=instance)[
        "DBInstances"
    ][0]
    assert instance["DBInstanceStatus"] == "available"


def test_without_pulumi_the_commands_are_printed_and_the_exit_is_non_zero(aws):
    done = aws("update-value", "database_host", "db2.example.com", "--yes")
    line = assert_one_line_error(done, 10)
    assert "Pulumi CLI is not installed" in line
    assert f"$ pulumi config set {' '.join(COMMON)} databaseHost db2.example.com" in done.stdout
    assert f"$ pulumi up {' '.join(COMMON)} --yes" in done.stdout


def test_without_pulumi_rotate_jwt_says_which_value_it_needs_to_read(aws):
    # Before it: the warning that nothing redeploys the services (none configured here).
    line = assert_one_line_error(aws("rotate-jwt", "--yes"), 10, warnings=1)
    assert "Pulumi CLI is not installed" in line
    assert "pulumi config get jwtKeyGeneration --stack production" in line


def test_without_yes_and_without_a_terminal_nothing_runs(aws, pulumi_stub):
    line = assert_one_line_error(aws("rotate-jwt", env=pulumi_stub.env), 13, warnings=1)
    assert "--yes" in line
    # Only the read of the current generation ran.
    assert [argv[:2] for argv, _ in pulumi_stub.calls()] == [["config", "get"]]


def test_a_failing_destroy_explains_protection(aws, pulumi_stub):
    env = {**pulumi_stub.env, "PULUMI_STUB_EXIT": "255"}
    line = assert_one_line_error(aws("delete", "--yes", env=env), 11)
    assert "protected" in line and "pulumi config set protect false" in line


@pytest.mark.parametrize(
    ("key", "reason"),
    [("database_password", "rotate-db"), ("database_url", "built from"), ("nope", "settable keys")],
)
def test_values_the_stack_derives_cannot_be_set(aws, pulumi_stub, key, reason):
    line = assert_one_line_error(aws("update-value", key, "x", "--yes", env=pulumi_stub.env), 64)
    assert reason in line
    assert pulumi_stub.calls() == []


# ---------------------------------------------------------------------------- faults and bad input


def test_no_credentials(moto, stack):
    env = cli_env(moto.endpoint)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    line = assert_one_line_error(run(env, "get-value", "jwt_secret_key"), 5, *all_values(stack))
    assert "no AWS credentials" in line


@pytest.mark.parametrize("command", [("list",), ("doctor", "--region", "eu-west-1")])
def test_a_profile_that_does_not_exist_is_named(moto, command):
    """AWS_PROFILE naming no profile: said as such, before the region (botocore then finds no
    region either, and this once read "no AWS region", or "AWS client error: ProfileNotFound")."""
    env = cli_env(moto.endpoint, AWS_PROFILE="prodution")
    del env["AWS_DEFAULT_REGION"]
    line = assert_one_line_error(run(env, *command), 5)
    assert "no AWS profile named 'prodution'" in line and "aws configure list-profiles" in line


def test_secret_in_another_region(moto, stack):
    line = assert_one_line_error(
        run(cli_env(moto.endpoint), "get", "--region", "eu-west-1"), 3, *all_values(stack)
    )
    assert "not found in eu-west-1" in line and "--regions" in line


def test_missing_secret_of_another_stack(moto, stack):
    line = assert_one_line_error(run(cli_env(moto.endpoint), "get", "--stack", "staging"), 3)
    assert "programador-musical-staging-app-secrets not found" in line


def test_no_region(moto, stack):
    env = cli_env(moto.endpoint)
    del env["AWS_DEFAULT_REGION"]
    assert "no AWS region" in assert_one_line_error(run(env, "list"), 9)


def test_unreachable_endpoint(stack):
    env = cli_env("http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1")
    assert "cannot reach AWS in us-east-1" in assert_one_line_error(run(env, "list"), 9)
    # doctor's advice is about the region and the network, not about credentials.
    doctor = run(env, "doctor")
    assert doctor.returncode == 1
    assert "FAIL  credentials: cannot reach AWS in us-east-1" in doctor.stdout
    assert "check --region" in doctor.stdout and "aws sso login" not in doctor.stdout


def test_access_denied():
    with FaultServer("AccessDeniedException") as fault:
        line = assert_one_line_error(run(cli_env(fault.endpoint), "get-value", "jwt_secret_key"), 4)
    assert "access denied in us-east-1 on programador-musical-production-app-secrets" in line


# `list` with botocore's retry jitter at zero: standard mode sleeps random.random() * 2**attempt
# between attempts (up to 14 s with five); the CLI runs unchanged, bound before botocore is imported.
LIST_WITHOUT_JITTER = (
    "import random, runpy, sys; random.random = lambda: 0.0; "
    "sys.argv = ['manage_secrets', 'list']; runpy.run_module('manage_secrets', run_name='__main__')"
)


def test_throttling_is_retried_in_standard_mode_then_reported():
    with FaultServer("ThrottlingException") as fault:
        line = assert_one_line_error(run_code(cli_env(fault.endpoint), LIST_WITHOUT_JITTER), 6)
    assert fault.requests == 5  # standard retry mode, 5 attempts in all
    assert "throttling" in line


def _aws_config(tmp_path, text: str) -> dict[str, str]:
    """The environment that points botocore at an AWS config file holding `text`."""
    config = tmp_path / "config"
    config.write_text(text)
    return {"AWS_CONFIG_FILE": str(config)}


@pytest.mark.parametrize("where", ["environment", "profile"])
def test_the_users_own_number_of_attempts_is_honoured(tmp_path, where):
    """AWS_MAX_ATTEMPTS, or max_attempts in the profile, as the AWS CLI honours them (the CLI's
    own retries setting once overrode them: five attempts whatever the user set)."""
    chosen = (
        {"AWS_MAX_ATTEMPTS": "2"}
        if where == "environment"
        else _aws_config(tmp_path, "[default]\nmax_attempts = 3\n")
    )
    with FaultServer("ThrottlingException") as fault:
        assert_one_line_error(run_code(cli_env(fault.endpoint, **chosen), LIST_WITHOUT_JITTER), 6)
    assert fault.requests == (2 if where == "environment" else 3)


@pytest.mark.parametrize(
    ("setting", "code", "said"),
    [
        ({"AWS_MAX_ATTEMPTS": "abc"}, 26, "AWS_MAX_ATTEMPTS is 'abc': use a whole number"),
        ({"AWS_MAX_ATTEMPTS": "0"}, 26, "AWS_MAX_ATTEMPTS is '0': use a whole number"),
        ({"AWS_RETRY_MODE": "fast"}, 26, "AWS_RETRY_MODE is 'fast': use one of legacy, standard"),
        ({"AWS_ENDPOINT_URL": "localhost"}, 26, "AWS_ENDPOINT_URL is 'localhost': use a URL"),
        ({"AWS_DEFAULT_REGION": "eu west 1"}, 9, "'eu west 1' is not a region name"),
        ({"profile": "[default]\nmax_attempts = many\n"}, 26, "max_attempts in the AWS profile"),
    ],
)
def test_a_bad_aws_setting_is_named_with_the_form_it_takes(moto, tmp_path, setting, code, said):
    """The user's AWS settings are honoured (above), so a bad one is refused by name, before
    anything runs, where botocore raised ValueError (exit 70) or a bare exception name."""
    setting = dict(setting)
    if "profile" in setting:
        setting.update(_aws_config(tmp_path, setting.pop("profile")))
    line = assert_one_line_error(run(cli_env(moto.endpoint, **setting), "list"), code)
    assert said in line, line


def test_doctor_names_a_bad_aws_setting_too(moto):
    """doctor makes its AWS session as every read command does: the same one line."""
    env = cli_env(moto.endpoint, AWS_RETRY_MODE="fast")
    assert "AWS_RETRY_MODE is 'fast'" in assert_one_line_error(run(env, "doctor"), 26)


@pytest.mark.mutates
def test_non_json_secret_string(aws, moto, stack):
    moto.client("secretsmanager").put_secret_value(
        SecretId=APP, SecretString="plain text, not JSON"
    )
    line = assert_one_line_error(aws("get-value", "jwt_secret_key"), 8, "plain text, not JSON")
    assert "does not hold a JSON object" in line


def test_bad_arguments_exit_64(aws):
    for args in (["no-such-command"], ["get-value"], ["get-value", "k", "--secret", "vault"]):
        line = assert_one_line_error(aws(*args), 64)
        assert "see --help" in line


def test_read_commands_do_not_import_pulumi(moto, stack):
    probe = (
        "import sys, contextlib, io\n"
        "from manage_secrets.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['get-value', 'jwt_secret_key'])\n"
        "assert code == 0, code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws')))\n"
    )
    done = run_code(cli_env(moto.endpoint), probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    ("prepare", "decision", "code", "says"),
    [
        (None, "allowed", 3, "not found"),
        ("stop", "allowed", 15, "is stopped, not available"),
        ("create", "implicitDeny", 4, "may not rds:ModifyDBInstance"),
        ("create", "AccessDenied", 4, "iam:SimulatePrincipalPolicy is denied"),
    ],
    ids=["missing", "not-available", "not-allowed", "cannot-check"],
)
@pytest.mark.manual_scheme
def test_rotate_db_checks_the_instance_before_any_pulumi_command(
    aws, moto, pulumi_stub, prepare, decision, code, says
):
    instance = f"{PREFIX}-db-{decision.lower()}-{prepare}"
    if prepare:
        _database(moto, instance)
    if prepare == "stop":
        moto.client("rds").stop_db_instance(DBInstanceIdentifier=instance)
    with PolicySimulator(decision) as simulator:
        env = {**pulumi_stub.env, "AWS_ENDPOINT_URL_IAM": simulator.endpoint}
        done = aws("rotate-db", "--rds-instance", instance, "--yes", env=env)
    line = assert_one_line_error(done, code)
    assert says in line and "nothing was changed" in line or code == 3
    assert pulumi_stub.calls() == []
    assert "$ pulumi" not in done.stdout


@pytest.mark.parametrize("stack_name", ["", "prod uction", "a" * 101, "prod/uction"])
def test_an_empty_or_malformed_stack_is_a_usage_error_and_nothing_runs(
    cli, pulumi_stub, stack_name
):
    for command in (["get"], ["rotate-jwt", "--yes"], ["list"]):
        done = cli(*command, "--stack", stack_name, env=pulumi_stub.env)
        line = assert_one_line_error(done, 64)
        assert "stack name" in line
        assert done.stdout == ""
    assert pulumi_stub.calls() == []


def test_a_malformed_region_is_a_usage_error(cli):
    line = assert_one_line_error(cli("get", "--region", "us east 1"), 64)
    assert "'us east 1' is not an AWS region name" in line


@pytest.mark.parametrize("command", [["create"], ["delete"]])
def test_commands_that_only_run_pulumi_need_no_region(pulumi_stub, command):
    env = {
        k: v for k, v in pulumi_stub.env.items() if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")
    }
    env["AWS_CONFIG_FILE"] = os.devnull
    done = run(env, *command, "--yes")
    assert done.returncode == 0, done.stderr
    assert pulumi_stub.calls()


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("jwt_secret_key", "", "the value is empty"),
        ("jwt_secret_key", "   \n", "the value is empty"),
        ("jwt_secret_key", "too-short-key", "jwtSecretKey = [secret]"),
        ("database_host", "db.example.com\tx", "databaseHost"),
        ("port", "http", "databasePort"),
        ("port", "70000", "databasePort"),
        ("dbname", "select", "PostgreSQL reserved word"),
        ("username", "user", "PostgreSQL reserved word"),
        ("engine", "mysql", "databaseEngine"),
    ],
)
def test_update_value_refuses_what_the_stack_would_refuse(cli, pulumi_stub, key, value, says):
    done = cli("update-value", key, "-", "--yes", env=pulumi_stub.env, stdin=value)
    line = assert_one_line_error(done, 64)
    assert says in line
    assert "nothing was changed" in line
    if key == "jwt_secret_key" and value.strip():
        assert value not in line
    assert pulumi_stub.calls() == []


def test_a_closed_pipe_ends_the_cli_quietly_with_exit_141(moto, stack):
    process = subprocess.Popen(
        [sys.executable, "-m", "manage_secrets", "versions"],
        cwd=ROOT,
        env=cli_env(moto.endpoint),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # `| head` that has read enough
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141
    assert err == b""


def test_doctor_fails_a_replica_that_is_not_in_sync():
    from manage_secrets.doctor.checklist import Checklist
    from manage_secrets.doctor.checkup import report
    from manage_secrets.doctor.secrets import check_secret
    from stack_model.naming import StackNames

    class Secrets:
        def describe_secret(self, SecretId):  # noqa: N803 - botocore's parameter name
            return {
                "ARN": f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{SecretId}-AbCdEf",
                "ReplicationStatus": [
                    {
                        "Region": "eu-west-1",
                        "Status": "Failed",
                        "StatusMessage": "KMS key is disabled",
                    }
                ],
            }

    class Aws:
        region = "us-east-1"

        def client(self, service, region=None):
            return Secrets()

        def call(self, action, subject="", region=None):
            return action()

    checklist = Checklist(Aws(), StackNames("programador-musical", "production"))
    check_secret(checklist, APP)
    text, healthy = report(checklist.checks, checklist.names, "us-east-1")
    assert not healthy
    assert f"FAIL  replica of {APP} in eu-west-1 is InSync: Failed: KMS key is disabled" in text
    assert "force-overwrite-replica-secret" in text


# ---------------------------------------------------------------------------- managed rotation


@pytest.mark.mutates
class _Session:
    """A database session that accepts every statement (the emulator has no database)."""

    def run(self, *args, **kwargs):
        return []

    def close(self):
        return None


@pytest.mark.mutates
def test_rotate_db_asks_secrets_manager_and_reports_each_step(aws, moto, stack):
    from tests.support.rotation_driver import AlternatingUsersRotation
    from tests.support.rotation_function import RotationFunction

    secrets = moto.client("secretsmanager")
    before = secrets.describe_secret(SecretId=DB)["VersionIdsToStages"]
    # Secrets Manager invokes the function, which moto does not run: the driver plays it, its
    # database steps answered by a session that accepts everything.
    function = AlternatingUsersRotation(secrets, DB, lambda c: _Session(), lambda c: True)
    with RotationFunction(secrets, DB, function.steps):
        done = aws("rotate-db")
    assert done.returncode == 0, done.stderr
    after = moto.client("secretsmanager").describe_secret(SecretId=DB)["VersionIdsToStages"]
    (new,) = set(after) - set(before)
    assert "AWSCURRENT" in after[new]
    assert f"requested: new version {new}" in done.stdout
    assert f"finishSecret: AWSCURRENT is version {new}" in done.stdout
    assert f"{DB}: rotated; tasks started from now on use version {new}" in done.stdout
    assert stack.values[DB]["password"] not in done.stdout + done.stderr


@pytest.mark.mutates
def test_rotate_db_refuses_while_a_version_is_stuck_in_awspending(aws, moto, stack):
    secrets = moto.client("secretsmanager")
    stuck = secrets.put_secret_value(
        SecretId=DB, SecretString=json.dumps(stack.values[DB]), VersionStages=["AWSPENDING"]
    )["VersionId"]
    line = assert_one_line_error(aws("rotate-db"), 18, *all_values(stack))
    assert f"version {stuck} is still AWSPENDING" in line
    assert f"/aws/lambda/{PREFIX}-db-rotation" in line
    stages = secrets.describe_secret(SecretId=DB)["VersionIdsToStages"]
    assert stages[stuck] == ["AWSPENDING"]  # nothing was requested


def test_rotate_db_under_managed_rotation_refuses_the_manual_options(aws):
    line = assert_one_line_error(aws("rotate-db", "--token", "t"), 64)
    assert "rotated by Secrets Manager" in line


def test_rotate_db_says_so_when_the_new_version_never_becomes_current():
    from manage_secrets.errors import CliError
    from manage_secrets.managed_rotation import rotate_now

    class Pending:
        """Secrets Manager as it answers while the function keeps failing in setSecret."""

        def __init__(self):
            self.stages = {"v1": ["AWSCURRENT"]}

        def client(self, _service):
            return self

        def call(self, action, _subject=""):
            return action()

        def describe_secret(self, SecretId):  # noqa: N803 - botocore's argument name
            return {"RotationEnabled": True, "VersionIdsToStages": self.stages}

        def rotate_secret(self, SecretId):  # noqa: N803
            self.stages["v2"] = ["AWSPENDING"]
            return {"VersionId": "v2"}

    ticks = iter(range(1000))
    lines: list[str] = []
    with pytest.raises(CliError) as caught:
        rotate_now(Pending(), DB, f"{PREFIX}-db-rotation", 5, lines.append, lambda: next(ticks), id)
    assert caught.value.exit_code == 19
    assert "version v2 is not AWSCURRENT after 5 s" in str(caught.value)
    assert "createSecret: version v2 is AWSPENDING; waiting for finishSecret" in lines


@pytest.mark.mutates
def test_doctor_fails_a_stuck_rotation_and_a_function_secrets_manager_cannot_invoke(
    aws, moto, stack
):
    moto.client("secretsmanager").put_secret_value(
        SecretId=DB, SecretString=json.dumps(stack.values[DB]), VersionStages=["AWSPENDING"]
    )
    moto.client("lambda").remove_permission(
        FunctionName=f"{PREFIX}-db-rotation", StatementId="SecretsManagerAccess"
    )
    done = aws("doctor")
    assert done.returncode == 1, done.stdout
    assert f"FAIL  no version of {DB} is stuck in AWSPENDING" in done.stdout
    assert f"FAIL  Secrets Manager may invoke {PREFIX}-db-rotation" in done.stdout
    assert "/aws/lambda/" in done.stdout


@pytest.mark.manual_scheme
def test_doctor_fails_a_managed_shape_without_rotation(aws, stack):
    done = aws("doctor")
    assert done.returncode == 1, done.stdout
    assert f"FAIL  {DB} rotation matches its shape" in done.stdout


def test_doctor_warns_when_the_managed_rotation_never_ran():
    """Before the first rotation (the schedule has not come, `rotate-db` not run), doctor says
    so as a warning with the way to prove the path, not as a failure."""
    from manage_secrets.doctor.checklist import Checklist
    from manage_secrets.doctor.rotation import check_rotation
    from stack_model.naming import StackNames

    class Lambda:
        def get_function(self, FunctionName):  # noqa: N803 - botocore's argument name
            return {"Configuration": {"FunctionArn": FunctionName}}

        def get_policy(self, FunctionName):  # noqa: N803
            statement = {
                "Effect": "Allow",
                "Principal": {"Service": "secretsmanager.amazonaws.com"},
                "Action": "lambda:InvokeFunction",
            }
            return {"Policy": json.dumps({"Statement": [statement]})}

    class Aws:
        region = REGION

        def client(self, _service, _region=None):
            return Lambda()

        def call(self, action, _subject="", _region=None):
            return action()

    doctor = Checklist(Aws(), StackNames("programador-musical", "production"))
    function = f"arn:aws:lambda:{REGION}:123456789012:function:{PREFIX}-db-rotation"
    doctor.described[DB] = {
        "RotationEnabled": True,
        "RotationLambdaARN": function,
        "VersionIdsToStages": {"v1": ["AWSCURRENT"]},
    }
    check_rotation(doctor)
    (never,) = [c for c in doctor.checks if c.title == f"{DB} has been rotated once"]
    assert never.warning and never.passed
    assert "rotate-db" in never.fix
    assert all(c.passed for c in doctor.checks)


@pytest.mark.mutates
def test_rotate_db_warns_about_tasks_that_started_before_the_last_rotation(aws, moto, stack):
    from tests.support.rotation_driver import AlternatingUsersRotation
    from tests.support.rotation_function import RotationFunction

    secrets = moto.client("secretsmanager")
    function = AlternatingUsersRotation(secrets, DB, lambda c: _Session(), lambda c: True)
    # Nothing redeploys the services: the CLI cannot see the tasks, and says so.
    with RotationFunction(secrets, DB, function.steps):
        unseen = aws("rotate-db")
    assert unseen.returncode == 0, unseen.stderr
    assert "nothing redeploys the services after one (rotationRestartServices)" in unseen.stderr
    # The stack's redeployment exists, and a task of its service started before the rotation.
    from stack_model.restarts import restart_definition

    iam_role = moto.client("iam").create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")
    moto.client("stepfunctions").create_state_machine(
        name=f"{PREFIX}-restart-services",
        definition=restart_definition([f"{PREFIX}/app"]),
        roleArn=iam_role["Role"]["Arn"],
    )
    last = secrets.describe_secret(SecretId=DB)["LastRotatedDate"].timestamp()
    with (
        RunningTasks(PREFIX, [last - 3600, last + 60]) as tasks,
        RotationFunction(secrets, DB, function.steps),
    ):
        seen = aws("rotate-db", env=cli_env(moto.endpoint, AWS_ENDPOINT_URL_ECS=tasks.endpoint))
    assert seen.returncode == 0, seen.stderr
    assert f"1 task(s) of {PREFIX}/app started before the last rotation" in seen.stderr
    assert f"aws ecs wait services-stable --cluster {PREFIX} --services app" in seen.stderr


# ---------------------------------------------------------------------------- rotate-jwt's fleet


def _redeployed_by_the_stack(moto) -> None:
    """The stack's restart state machine, for its service `<prefix>/app`."""
    from stack_model.restarts import restart_definition

    role = moto.client("iam").create_role(RoleName="sfn-jwt", AssumeRolePolicyDocument="{}")
    moto.client("stepfunctions").create_state_machine(
        name=f"{PREFIX}-restart-services",
        definition=restart_definition([f"{PREFIX}/app"]),
        roleArn=role["Role"]["Arn"],
    )


def _key_set_written(moto) -> float:
    versions = moto.client("secretsmanager").list_secret_version_ids(SecretId=APP)["Versions"]
    (current,) = [v for v in versions if "AWSCURRENT" in v["VersionStages"]]
    return current["CreatedDate"].timestamp()


@pytest.mark.mutates
def test_rotate_jwt_refuses_while_a_task_holds_an_older_key_set_and_changes_nothing(
    aws, moto, stack, pulumi_stub
):
    _redeployed_by_the_stack(moto)
    written = _key_set_written(moto)
    with RunningTasks(PREFIX, [written - 600, written + 5, written + 10]) as tasks:
        env = {**pulumi_stub.env, "AWS_ENDPOINT_URL_ECS": tasks.endpoint}
        done = aws("rotate-jwt", "--yes", env=env)
    line = assert_one_line_error(done, 24)
    assert f"1 of 3 task(s) of {PREFIX}/app started before the current key set" in line
    assert "nothing was changed" in line
    assert f"aws ecs wait services-stable --cluster {PREFIX} --services app" in line
    assert pulumi_stub.calls() == []
    # After a leak, nobody waits: every key is replaced, and the CLI says what that means.
    with RunningTasks(PREFIX, [written - 600]) as tasks:
        env = {**pulumi_stub.env, "AWS_ENDPOINT_URL_ECS": tasks.endpoint}
        done = aws("rotate-jwt", "--emergency", "--yes", "--wait", "0", env=env)
    assert done.returncode == 25, done.stderr
    assert "every session ends" in done.stdout
    assert ["config", "set", *COMMON, "jwtKeyGeneration", "3"] in [
        a for a, _ in pulumi_stub.calls()
    ]


@pytest.mark.mutates
def test_rotate_jwt_rotates_once_every_task_holds_the_key_set_and_follows_the_redeployment(
    aws, moto, stack, pulumi_stub
):
    _redeployed_by_the_stack(moto)
    written = _key_set_written(moto)
    with RunningTasks(PREFIX, [written + 5, written + 10]) as tasks:
        env = {**pulumi_stub.env, "AWS_ENDPOINT_URL_ECS": tasks.endpoint}
        done = aws("rotate-jwt", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert [a[0] if a[0] == "up" else a[1] for a, _ in pulumi_stub.calls()] == ["get", "set", "up"]
    assert f"every task of {PREFIX}/app started after the new key set" in done.stdout


def test_following_the_redeployment_waits_for_the_last_old_task_then_gives_up_in_time(
    moto, stack, monkeypatch
):
    from manage_secrets.aws import Aws
    from manage_secrets.errors import CliError
    from manage_secrets.jwt_rotation import follow_redeployment
    from stack_model.naming import StackNames

    written = _key_set_written(moto)
    names, services = StackNames("programador-musical", "production"), [f"{PREFIX}/app"]
    with RunningTasks(PREFIX, [written - 60, written - 30]) as tasks:
        for key, value in cli_env(moto.endpoint, AWS_ENDPOINT_URL_ECS=tasks.endpoint).items():
            monkeypatch.setenv(key, value)
        aws = Aws(REGION)
        polls = []

        def one_task_replaced_per_poll(seconds: float) -> None:
            polls.append(seconds)
            tasks.started[len(polls) - 1] = written + 60 * len(polls)

        said = follow_redeployment(
            aws, names, services, 600, sleep=one_task_replaced_per_poll, clock=lambda: 0.0
        )
        assert len(polls) == 2 and "started after the new key set" in said
        tasks.started[:] = [written - 60]
        clock = iter([0.0, 0.0, 700.0])
        with pytest.raises(CliError) as caught:
            follow_redeployment(
                aws, names, services, 600, sleep=lambda s: None, clock=lambda: next(clock)
            )
    assert caught.value.exit_code == 25
    assert "1 of 1 task(s)" in str(caught.value) and "nobody is" in str(caught.value)


def test_rotate_jwt_needs_the_region_it_reads_the_tasks_in(pulumi_stub):
    env = {
        k: v for k, v in pulumi_stub.env.items() if k not in ("AWS_DEFAULT_REGION", "AWS_REGION")
    }
    env["AWS_CONFIG_FILE"] = os.devnull
    line = assert_one_line_error(run(env, "rotate-jwt", "--yes"), 9)
    assert "--region" in line
    assert pulumi_stub.calls() == []


def test_rotate_db_asks_again_soon_then_every_two_seconds():
    from manage_secrets.managed_rotation import rotate_now

    class Rotating:
        """A rotation that Secrets Manager reports done on the fifth look."""

        looks = 0

        def client(self, _service):
            return self

        def call(self, action, _subject=""):
            return action()

        def describe_secret(self, SecretId):  # noqa: N803 - botocore's argument name
            self.looks += 1
            current = "v2" if self.looks > 5 else "v1"
            return {"RotationEnabled": True, "VersionIdsToStages": {current: ["AWSCURRENT"]}}

        def rotate_secret(self, SecretId):  # noqa: N803
            return {"VersionId": "v2"}

    waits: list[float] = []
    rotate_now(Rotating(), DB, f"{PREFIX}-db-rotation", 60, lambda _: None, lambda: 0, waits.append)
    assert waits == [0.25, 0.5, 1.0, 2.0]
