"""The CrossGuard rules, each with violating and passing fixtures, and the pack on the stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, synth
from pulumi_policy.policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from stack_model.jwt_key_set import JWT_KEYS
from tools.policy_check import check, load_rules

pytestmark = pytest.mark.heavy(seconds=6)

rules = load_rules()
BY_NAME = {policy.name: policy for policy in rules.POLICIES}
ACCOUNT = "123456789012"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app-secrets-AbC123"
GUIDE_STATEMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": [
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:programador-musical-*"
            ],
        }
    ],
}


def _opts(protect=False):
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def violations(
    policy: str,
    resource_type: str,
    props: dict,
    stack="production",
    protect=False,
    config: dict | None = None,
):
    """What `policy` reports on one resource; `config` as the engine hands it over, or none."""
    found = []
    args = ResourceValidationArgs(
        resource_type,
        props,
        f"urn:pulumi:{stack}::p::{resource_type}::r",
        "r",
        _opts(protect),
        None,
        config,
    )
    BY_NAME[policy].validate(args, lambda message, urn=None: found.append(message))
    return found


def stack_violations(policy: str, resources: list[tuple[str, str, dict]], stack: str = "s"):
    found = []
    args = StackValidationArgs(
        [
            PolicyResource(
                t, props, f"urn:pulumi:{stack}::p::{t}::{n}", n, _opts(), None, None, [], {}
            )
            for t, n, props in resources
        ]
    )
    BY_NAME[policy].validate(args, lambda message, urn=None: found.append(message))
    return found


def test_pack_has_every_rule_and_only_rule_2_is_advisory():
    assert len(rules.POLICIES) == 18
    advisory = [p.name for p in rules.POLICIES if p.enforcement_level is not None]
    assert advisory == ["secrets-customer-managed-key"]
    assert rules.POLICIES[1].enforcement_level.value == "advisory"


@pytest.mark.parametrize(("window", "bad"), [(0, True), (6, True), (7, False), (30, False)])
def test_1_recovery_window(window, bad):
    found = violations("secrets-recovery-window", rules.SECRET, {"recoveryWindowInDays": window})
    assert bool(found) is bad
    assert not found or "set recoveryWindowInDays" in found[0]
    assert violations("secrets-recovery-window", rules.SECRET, {}) == []  # AWS default 30


def test_2_customer_managed_key_advisory():
    assert violations("secrets-customer-managed-key", rules.SECRET, {})
    assert violations(
        "secrets-customer-managed-key", rules.SECRET, {"kmsKeyId": "alias/aws/secretsmanager"}
    )
    assert not violations(
        "secrets-customer-managed-key",
        rules.SECRET,
        {"kmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"},
    )


@pytest.mark.parametrize(
    ("statement", "bad"),
    [
        ({"Action": "secretsmanager:GetSecretValue", "Resource": SECRET_ARN}, False),
        ({"Action": "kms:Decrypt", "Resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"}, False),
        ({"Action": "s3:GetObject", "Resource": "*"}, False),
        ({"Action": "secretsmanager:GetSecretValue", "Resource": "*"}, True),
        ({"Action": "secretsmanager:GetSecretValue", "Resource": SECRET_ARN[:-6] + "??????"}, True),
        ({"Action": "kms:Decrypt", "Resource": "*"}, True),
        ({"Action": "kms:*", "Resource": "*"}, True),
        ({"Action": "secretsmanager:*", "Resource": SECRET_ARN}, True),
        ({"Action": "*", "Resource": SECRET_ARN}, True),
        ({"Action": "secretsmanager:Get*", "Resource": "*"}, True),
        ({"NotAction": "iam:*", "Resource": SECRET_ARN}, True),
        ({"Action": "secretsmanager:GetSecretValue", "NotResource": SECRET_ARN}, True),
    ],
)
def test_3_no_wildcard_secret_access(statement, bad):
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}
    for policy_type in rules.IDENTITY_POLICIES:
        found = violations(
            "iam-no-wildcard-secret-access", policy_type, {"policy": json.dumps(document)}
        )
        assert bool(found) is bad, (policy_type, statement)


def test_3_rejects_the_operations_guide_statement():
    found = violations(
        "iam-no-wildcard-secret-access", rules.ROLE_POLICY, {"policy": json.dumps(GUIDE_STATEMENT)}
    )
    assert found and "programador-musical-*" in found[0] and "grant_read" in found[0]


def _task(environment=(), secrets=()):
    container = {"name": "app", "environment": list(environment), "secrets": list(secrets)}
    return {"containerDefinitions": json.dumps([container])}


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("APP_ENV", False),
        ("DATABASE_HOST", False),
        ("SECRET_KEY", True),
        ("DB_PASSWORD", True),
        ("API_TOKEN", True),
        ("STRIPE_KEY", True),
        ("DATABASE_URL", True),
    ],
)
def test_4_no_credentials_in_environment(name, bad):
    found = violations(
        "ecs-no-credentials-in-environment",
        rules.TASK_DEFINITION,
        _task(environment=[{"name": name, "value": "x"}]),
    )
    assert bool(found) is bad
    assert not found or "move it to `secrets`" in found[0]


@pytest.mark.parametrize(
    ("value_from", "bad"),
    [
        (SECRET_ARN, False),
        (f"{SECRET_ARN}:jwt_secret_key::", False),
        (f"{SECRET_ARN}:jwt_secret_key:AWSCURRENT:", False),
        (f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/programador-musical/production/x", False),
        (f"{SECRET_ARN}:jwt_secret_key", True),
        (f"{SECRET_ARN}:jwt_secret_key:", True),
        (f"{SECRET_ARN}:a:b:c:d", True),
        ("programador-musical-production-app-secrets", True),
        (f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:parameter/x", True),
    ],
)
def test_5_value_from_shape(value_from, bad):
    found = violations(
        "ecs-secret-references-well-formed",
        rules.TASK_DEFINITION,
        _task(secrets=[{"name": "X", "valueFrom": value_from}]),
    )
    assert bool(found) is bad, value_from


def _trust(principal, condition):
    return {
        "assumeRolePolicy": json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": principal,
                        "Action": "sts:AssumeRole",
                        **condition,
                    }
                ],
            }
        )
    }


def test_6_execution_role_trust():
    ecs = {"Service": "ecs-tasks.amazonaws.com"}
    account = {"Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    assert not violations("ecs-execution-role-trust", rules.ROLE, _trust(ecs, account))
    assert violations("ecs-execution-role-trust", rules.ROLE, _trust(ecs, {}))
    assert violations(
        "ecs-execution-role-trust",
        rules.ROLE,
        _trust({"Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]}, account),
    )
    # Roles that ECS does not assume are not this rule's business.
    assert not violations(
        "ecs-execution-role-trust", rules.ROLE, _trust({"Service": "lambda.amazonaws.com"}, {})
    )


def test_7_kms_rotation():
    assert violations("kms-key-rotation", rules.KMS_KEY, {})
    assert violations("kms-key-rotation", rules.KMS_KEY, {"enableKeyRotation": False})
    assert not violations("kms-key-rotation", rules.KMS_KEY, {"enableKeyRotation": True})


def test_8_production_secrets_protected():
    assert violations("production-secrets-protected", rules.SECRET, {}, protect=False)
    assert not violations("production-secrets-protected", rules.SECRET, {}, protect=True)
    assert not violations("production-secrets-protected", rules.SECRET, {}, stack="staging")


def test_9_log_retention():
    assert violations("log-group-retention", rules.LOG_GROUP, {})
    assert not violations("log-group-retention", rules.LOG_GROUP, {"retentionInDays": 14})


RETRIEVALS = {
    "namespace": "AWS/Usage",
    "metricName": "CallCount",
    "dimensions": {"Service": "Secrets Manager", "Type": "API", "Resource": "GetSecretValue"},
}


def test_10_alarms_present_with_actions():
    good = [(rules.METRIC_ALARM, "a", {**RETRIEVALS, "alarmActions": ["arn:topic"]})]
    assert not stack_violations("monitoring-alarms-present", good)
    assert stack_violations("monitoring-alarms-present", [])
    # Named like the real one but watching something else: still missing.
    other = {**RETRIEVALS, "metricName": "ThrottleCount", "name": "x-secrets-retrieval-volume"}
    assert stack_violations(
        "monitoring-alarms-present", [(rules.METRIC_ALARM, "a", {**other, "alarmActions": ["t"]})]
    )
    silent = [(rules.METRIC_ALARM, "a", {**RETRIEVALS, "alarmActions": []})]
    assert stack_violations("monitoring-alarms-present", silent)


def test_11_secrets_and_grants_match():
    role = (
        rules.ROLE,
        "exec",
        {"name": "exec", **_trust({"Service": "ecs-tasks.amazonaws.com"}, {})},
    )
    secret = (rules.SECRET, "s", {"arn": SECRET_ARN})

    def grant(*resources):
        document = {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": list(resources),
                }
            ]
        }
        return (rules.ROLE_POLICY, "p", {"role": "exec", "policy": json.dumps(document)})

    assert not stack_violations("secrets-and-grants-match", [role, secret, grant(SECRET_ARN)])
    orphan = stack_violations("secrets-and-grants-match", [role, secret])
    assert orphan and "read by no ECS execution role" in orphan[0]
    foreign = stack_violations(
        "secrets-and-grants-match",
        [role, secret, grant(SECRET_ARN, SECRET_ARN.replace("app", "other"))],
    )
    assert foreign and "not a secret of this stack" in foreign[0]
    # A replica of the stack's secret is the stack's secret; the same ARN in a region the
    # secret does not replicate to is not.
    replicated = (rules.SECRET, "s", {"arn": SECRET_ARN, "replicas": [{"region": "us-west-2"}]})
    replica = SECRET_ARN.replace(":us-east-1:", ":us-west-2:")
    assert not stack_violations(
        "secrets-and-grants-match", [role, replicated, grant(SECRET_ARN, replica)]
    )
    elsewhere = SECRET_ARN.replace(":us-east-1:", ":eu-west-1:")
    assert stack_violations(
        "secrets-and-grants-match", [role, replicated, grant(SECRET_ARN, elsewhere)]
    )


def test_the_synthesized_stacks_pass_every_mandatory_rule():
    for stack in ("production", "staging"):
        mandatory = [v for v in check(synth(stack)) if v.enforcement == "mandatory"]
        assert mandatory == [], stack


def test_offline_check_catches_a_bad_stack():
    found = {v.policy for v in check(synth(protect="false", recoveryWindowInDays="0"))}
    assert {"secrets-recovery-window", "production-secrets-protected"} <= found


def _policy_check(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools.policy_check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_policy_check_cli_passes_the_stacks():
    done = _policy_check("--stack", "production", "--stack", "staging")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "production: 0 mandatory" in done.stdout and "staging: 0 mandatory" in done.stdout


def test_policy_check_cli_fails_on_mandatory_violations():
    done = _policy_check("--config", "protect=false", "--config", "recoveryWindowInDays=0")
    assert done.returncode == 1
    assert "[mandatory] production-secrets-protected" in done.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--config", "databasePort=x"], 2), (["--stack", "nope"], 3), (["--bogus"], 64)],
)
def test_policy_check_cli_bad_input(args, code):
    done = _policy_check(*args)
    assert done.returncode == code
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_pack_main_only_builds_the_policy_pack():
    """Constructing a PolicyPack starts the analyzer server, so no test imports __main__.py;
    this reads it instead and checks it holds nothing but the pack."""
    import ast

    tree = ast.parse((ROOT / "policy" / "__main__.py").read_text())
    statements = [
        node
        for node in tree.body
        if not isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr))
        or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call))
    ]
    (call,) = statements
    assert call.value.func.id == "PolicyPack"
    keywords = {k.arg: ast.unparse(k.value) for k in call.value.keywords}
    assert keywords["policies"] == "POLICIES"
    assert keywords["enforcement_level"] == "EnforcementLevel.MANDATORY"
    import yaml

    manifest = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    requirements = (ROOT / "policy" / "requirements.txt").read_text()
    assert "pulumi-policy~=" in requirements


def test_12_production_log_groups_are_encrypted():
    assert violations("production-logs-encrypted", rules.LOG_GROUP, {"name": "/ecs/x"})
    assert not violations(
        "production-logs-encrypted", rules.LOG_GROUP, {"name": "/ecs/x", "kmsKeyId": "arn:key"}
    )
    assert not violations(
        "production-logs-encrypted", rules.LOG_GROUP, {"name": "/ecs/x"}, stack="staging"
    )


def _trail_stack(versioning="Enabled", expiration=400, bucket_in_stack=True):
    resources = [(rules.TRAIL, "t", {"s3BucketName": "b"})]
    if bucket_in_stack:
        resources.append((rules.BUCKET, "b", {"bucket": "b"}))
    if versioning:
        resources.append(
            (
                rules.BUCKET_VERSIONING,
                "v",
                {"bucket": "b", "versioningConfiguration": {"status": versioning}},
            )
        )
    if expiration:
        rule = {"status": "Enabled", "expiration": {"days": expiration}}
        resources.append((rules.BUCKET_LIFECYCLE, "l", {"bucket": "b", "rules": [rule]}))
    return resources


@pytest.mark.parametrize(
    ("stack", "problems"),
    [
        (_trail_stack(), []),
        (_trail_stack(versioning="Suspended"), ["not versioned"]),
        (_trail_stack(versioning=None), ["not versioned"]),
        (_trail_stack(expiration=None), ["no enabled expiration rule"]),
        (_trail_stack(versioning=None, expiration=None, bucket_in_stack=False), []),
    ],
)
def test_13_trail_buckets_are_versioned_and_lifecycled(stack, problems):
    found = stack_violations("trail-bucket-versioned-and-lifecycled", stack)
    assert [p for p in problems if not any(p in message for message in found)] == []
    assert len(found) == len(problems)


def test_14_every_secret_has_a_resource_policy_blocking_public_ones():
    secret = (rules.SECRET, "s", {"arn": SECRET_ARN, "name": "s"})
    guarded = (rules.SECRET_POLICY, "p", {"secretArn": SECRET_ARN, "blockPublicPolicy": True})
    open_policy = (rules.SECRET_POLICY, "p", {"secretArn": SECRET_ARN, "blockPublicPolicy": False})
    assert not stack_violations("secrets-have-resource-policies", [secret, guarded])
    assert stack_violations("secrets-have-resource-policies", [secret, open_policy])
    assert stack_violations("secrets-have-resource-policies", [secret])


@pytest.mark.parametrize(
    ("props", "bad"),
    [
        ({"kmsKeyId": "k", "replicas": [{"region": "eu-west-1", "kmsKeyId": "k2"}]}, False),
        ({"kmsKeyId": "k", "replicas": [{"region": "eu-west-1"}]}, True),
        ({"replicas": [{"region": "eu-west-1"}]}, False),
        ({"kmsKeyId": "k"}, False),
    ],
)
def test_15_replicas_keep_a_customer_managed_key(props, bad):
    assert bool(violations("replicas-use-a-customer-managed-key", rules.SECRET, props)) is bad


DB_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app-production-db-credentials-XyZ987"


def _rotation(rules_: dict | None = None, function: str | None = "arn:aws:lambda:fn"):
    props = {"secretId": DB_ARN, "rotationRules": rules_ or {}, "rotationLambdaArn": function}
    return (rules.SECRET_ROTATION, "rotation", props)


def _db_secret():
    return (rules.SECRET, "db", {"arn": DB_ARN, "name": "app-production-db-credentials"})


def test_16_rotated_secrets_have_a_schedule_and_production_rotates_credentials():
    policy = "rotated-secrets-have-a-schedule"
    schedule = {"scheduleExpression": "rate(30 days)"}
    assert not stack_violations(policy, [_db_secret(), _rotation(schedule)])
    unscheduled = stack_violations(policy, [_db_secret(), _rotation()])
    assert unscheduled and "without a schedule or a function" in unscheduled[0]
    assert stack_violations(policy, [_db_secret(), _rotation(schedule, function=None)])
    unrotated = stack_violations(policy, [_db_secret()], stack="production")
    assert unrotated and "set rotationManaged=true" in unrotated[0]
    assert not stack_violations(policy, [_db_secret()], stack="staging")
    # Off production, the manual scheme is allowed (staging says so in its docs).
    assert not [v for v in check(synth("staging")) if v.policy == policy]
    manual_production = check(synth(rotationManaged="false"))
    assert [v.policy for v in manual_production if v.policy == policy] == [policy]


def _task_reading(*entries: tuple[str, str]):
    containers = [{"name": "app", "secrets": [{"name": n, "valueFrom": v} for n, v in entries]}]
    return (rules.TASK_DEFINITION, "task", {"containerDefinitions": json.dumps(containers)})


def test_17_containers_read_rotated_credentials_whole():
    policy = "containers-read-rotated-credentials-whole"
    scheduled = _rotation({"scheduleExpression": "rate(30 days)"})
    app = (rules.SECRET, "app", {"arn": SECRET_ARN})
    base = [_db_secret(), app, scheduled]
    whole = _task_reading(("DATABASE_CREDENTIALS", DB_ARN), ("APP_SECRETS", SECRET_ARN))
    assert not stack_violations(policy, [*base, whole])
    one_by_one = stack_violations(
        policy, [*base, _task_reading(("DB_PASSWORD", f"{DB_ARN}:password::"))]
    )
    assert one_by_one and "pairs one user with the other's password" in one_by_one[0]
    copy = stack_violations(policy, [*base, _task_reading(("URL", f"{SECRET_ARN}:database_url::"))])
    assert copy and "that copy goes stale" in copy[0]
    # Without a rotated secret, the manual scheme's copies are what the app reads.
    assert not stack_violations(
        policy, [_db_secret(), app, _task_reading(("URL", f"{SECRET_ARN}:database_url::"))]
    )


@pytest.mark.parametrize("key", JWT_KEYS)
def test_18_containers_read_the_jwt_key_set_whole(key):
    policy = "containers-read-the-jwt-key-set-whole"
    assert rules.JWT_KEY_SET_KEYS == JWT_KEYS  # the pack's copy of the stack's fact
    assert not stack_violations(policy, [_task_reading(("APP_SECRETS", SECRET_ARN))])
    found = stack_violations(policy, [_task_reading(("K", f"{SECRET_ARN}:{key}::"))])
    assert found and f"reads K as the `{key}` of the JWT key set on its own" in found[0]
    # Neither stack does.
    for stack in ("production", "staging"):
        assert not [v for v in check(synth(stack)) if v.policy == policy]


def test_thresholds_are_each_policys_config_with_todays_values_as_defaults():
    from tools.policy_check import config_defaults

    assert config_defaults(BY_NAME["secrets-recovery-window"]) == {"minimumDays": 7}
    for name in ("production-secrets-protected", "production-logs-encrypted"):
        assert config_defaults(BY_NAME[name]) == {"productionStacks": ["production"]}
    window = {"recoveryWindowInDays": 10}
    assert not violations("secrets-recovery-window", rules.SECRET, window)
    # As the engine hands config over: numbers through a protobuf Struct, so floats.
    stricter = {"minimumDays": 14.0}
    (found,) = violations("secrets-recovery-window", rules.SECRET, window, config=stricter)
    assert "set recoveryWindowInDays to 14-30" in found
    elsewhere = {"productionStacks": ["prod-eu"]}
    protected = "production-secrets-protected"
    assert violations(protected, rules.SECRET, {}, stack="prod-eu", config=elsewhere)
    assert not violations(protected, rules.SECRET, {}, stack="production", config=elsewhere)


def test_the_packs_copies_of_the_stacks_facts_equal_the_originals():
    from stack_model.naming import StackNames
    from stack_model.rotation_scheme import AlternatingUsers

    names = StackNames("programador-musical", "production")
    assert names.db_credentials == names.prefix + rules.CREDENTIALS_SECRET_SUFFIX
    assert rules.ROTATED_TOGETHER == AlternatingUsers.read_together["db"]
    assert rules.JWT_KEY_SET_KEYS == AlternatingUsers.read_together["app"] == JWT_KEYS


def test_the_pack_imports_from_its_own_folder_as_the_cli_runs_it():
    done = subprocess.run(
        [sys.executable, "-c", "import guardrails; print(len(guardrails.POLICIES))"],
        cwd=ROOT / "policy",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "18"
