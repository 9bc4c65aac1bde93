"""The task definition: Fargate settings, logs, and the container's secret mappings."""

from __future__ import annotations

import json

import pytest
from conftest import secret_json, synth

from harness.synth import synthesize
from settings import ConfigError
from tests.support.component_program import DEMO_SECRETS, run_program

TASK = "aws:ecs/taskDefinition:TaskDefinition"
FAMILY = "programador-musical-production-app"
APP_ARN_PREFIX = "arn:aws:secretsmanager:us-east-1:123456789012:secret:programador-musical-production-app-secrets-"


def _container(result) -> dict:
    (container,) = json.loads(result.named(TASK, FAMILY)["inputs"]["containerDefinitions"])
    return container


def test_fargate_task_with_configured_size_and_role(production):
    inputs = production.named(TASK, FAMILY)["inputs"]
    assert inputs["family"] == FAMILY
    assert inputs["requiresCompatibilities"] == ["FARGATE"]
    assert inputs["networkMode"] == "awsvpc"
    assert (inputs["cpu"], inputs["memory"]) == ("256", "512")
    assert inputs["executionRoleArn"] == production.outputs["executionRoleArn"]
    container = _container(production)
    assert (
        container["image"]
        == "123456789012.dkr.ecr.us-east-1.amazonaws.com/programador-musical:latest"
    )
    assert container["portMappings"] == [{"containerPort": 8000, "protocol": "tcp"}]
    assert production.outputs["taskDefinitionFamily"] == FAMILY
    assert production.outputs["taskDefinitionArn"].endswith(f":task-definition/{FAMILY}:1")


def test_logs_go_to_the_stack_log_group_with_retention(production):
    group = production.named(
        "aws:cloudwatch/logGroup:LogGroup", "/ecs/programador-musical-production"
    )
    assert group["inputs"]["name"] == "/ecs/programador-musical-production"
    assert group["inputs"]["retentionInDays"] == 90
    assert _container(production)["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": "/ecs/programador-musical-production",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "app",
        },
    }


def test_container_secrets_map_env_vars_to_json_keys(production):
    secrets = _container(production)["secrets"]
    assert [s["name"] for s in secrets] == ["APP_SECRETS", "DATABASE_CREDENTIALS"]
    app_arn = production.outputs["appSecretsArn"]
    assert app_arn.startswith(APP_ARN_PREFIX)
    db_arn = production.outputs["dbCredentialsArn"]
    assert {s["name"]: s["valueFrom"] for s in secrets} == {
        # Each whole JSON in one variable: one GetSecretValue each, so the JWT keys come from
        # one key set, and user and password from the same version.
        "APP_SECRETS": app_arn,
        "DATABASE_CREDENTIALS": db_arn,
    }
    assert production.outputs["containerSecrets"] == secrets


def test_manual_rotation_keeps_the_guides_variables():
    result = synth(rotationManaged="false", containerSecrets=["DATABASE_URL=app:database_url"])
    app_arn = result.outputs["appSecretsArn"]
    assert {s["name"]: s["valueFrom"] for s in _container(result)["secrets"]} == {
        "APP_SECRETS": app_arn,
        "DATABASE_PASSWORD": f"{app_arn}:database_password::",
        "DATABASE_URL": f"{app_arn}:database_url::",
    }


@pytest.mark.parametrize("entry", ["DB_USER=db:username", "DB_PASSWORD=db:password"])
def test_managed_rotation_refuses_user_or_password_one_by_one(entry):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides={"containerSecrets": [entry]})
    (problem,) = caught.value.problems
    assert problem.key == "containerSecrets" and entry in problem.shown_value
    assert "DATABASE_CREDENTIALS" in str(problem)


def test_managed_rotation_refuses_the_copies_app_secrets_no_longer_holds():
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides={"containerSecrets": ["DATABASE_URL=app:database_url"]})
    (problem,) = caught.value.problems
    assert problem.key == "containerSecrets"
    assert (
        "app keys: jwt_secret_key, jwt_secret_key_previous, jwt_secret_key_next, "
        "jwt_key_generation;" in str(problem)
    )


@pytest.mark.parametrize("managed", ["true", "false"])
@pytest.mark.parametrize(
    "entry",
    [
        "SECRET_KEY=app:jwt_secret_key",
        "OLD=app:jwt_secret_key_previous",
        "N=app:jwt_secret_key_next",
    ],
)
def test_no_container_reads_the_jwt_keys_one_by_one(entry, managed):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides={"containerSecrets": [entry], "rotationManaged": managed})
    (problem,) = caught.value.problems
    assert problem.key == "containerSecrets" and entry in problem.shown_value
    assert "APP_SECRETS" in str(problem)


def test_db_secret_mapping_points_at_db_credentials():
    result = synth(containerSecrets=["DB_HOST=db:host"])
    secrets = {s["name"]: s["valueFrom"] for s in _container(result)["secrets"]}
    assert secrets["DB_HOST"] == f"{result.outputs['dbCredentialsArn']}:host::"


def test_no_secret_value_in_the_environment(production_revealed):
    container = _container(production_revealed)
    environment = json.dumps(container["environment"])
    assert container["environment"] == [{"name": "APP_ENV", "value": "production"}]
    for name in (
        "programador-musical-production-app-secrets",
        "programador-musical-production-db-credentials",
    ):
        for key, value in secret_json(production_revealed, name).items():
            if key in ("jwt_secret_key", "database_password", "password", "database_url"):
                assert str(value) not in environment


@pytest.mark.parametrize(
    "entry",
    [
        "DATABASE_URL=app:no_such_key",
        "DB_PORT=db:database_port",
        "X=vault:jwt_secret_key",
        "1BAD=app:database_url",
        "BAD-NAME=app:database_url",
        "APP_SECRETS=app:database_url",
        "NO_REFERENCE",
    ],
)
def test_bad_secret_mapping_is_a_config_error_naming_it(entry):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides={"containerSecrets": [entry]})
    (problem,) = caught.value.problems
    assert problem.key == "containerSecrets"
    assert repr(entry) in str(problem)
    assert "jwt_secret_key" in str(problem)  # lists the keys that exist


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"containerImage": ""}, "containerImage"),
        ({"containerImage": "has spaces:latest"}, "containerImage"),
        ({"containerCpu": "300"}, "containerCpu"),
        ({"containerCpu": "256", "containerMemory": "4096"}, "containerMemory"),
        ({"containerPort": "0"}, "containerPort"),
        ({"logsRetentionInDays": "10"}, "logsRetentionInDays"),
    ],
)
def test_bad_container_settings_are_config_errors(overrides, key):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides=overrides)
    assert key in {problem.key for problem in caught.value.problems}


def test_rotation_leaves_role_policy_and_task_definition_unchanged():
    """They reference ARN + JSON key, never a value: rotating replaces nothing ECS-side."""
    watched = (
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        TASK,
        "aws:cloudwatch/logGroup:LogGroup",
    )

    def ecs_side(result):
        return [r for r in result.resources if r["type"] in watched]

    app = "programador-musical-production-app-secrets"
    for base, rotated in (
        (synth(show_secrets=True), synth(show_secrets=True, jwtKeyGeneration="1")),
        (
            synth(show_secrets=True, rotationManaged="false"),
            synth(show_secrets=True, rotationManaged="false", rotationDatabase="r2"),
        ),
    ):
        assert ecs_side(rotated) == ecs_side(base)
        assert rotated.outputs["containerSecrets"] == base.outputs["containerSecrets"]
        assert secret_json(rotated, app) != secret_json(base, app)  # the rotation did happen


GRANT_PROGRAM = (
    DEMO_SECRETS
    + """
from components.secret_access import InlinePolicyReader

secrets = demo_secrets(customer_managed_key=True)
worker = aws.iam.Role("worker", name="demo-worker", assume_role_policy="{}")
secrets.access.grant_read(InlinePolicyReader(worker, "demo-worker-secrets"))
"""
)


def test_grant_read_is_a_one_liner_for_a_second_consumer():
    result = run_program(GRANT_PROGRAM)
    policy = result.resource("aws:iam/rolePolicy:RolePolicy", "demo-worker-secrets")
    assert policy["inputs"]["role"] == "demo-worker"
    document = json.loads(policy["inputs"]["policy"])
    read, decrypt = document["Statement"]
    arns = [r["inputs"]["name"] for r in result.resources_of("aws:secretsmanager/secret:Secret")]
    assert sorted(a.split(":secret:")[1].rsplit("-", 1)[0] for a in read["Resource"]) == sorted(
        arns
    )
    assert (
        decrypt["Condition"]["StringEquals"]["kms:ViaService"]
        == "secretsmanager.eu-west-1.amazonaws.com"
    )


def test_container_secret_refuses_keys_the_secret_does_not_write():
    program = GRANT_PROGRAM + "secrets.access.container_secret('X', 'app', 'password')\n"
    with pytest.raises(ValueError, match="has no JSON key 'password'"):
        run_program(program)


WIRING_PROGRAM = (
    DEMO_SECRETS
    + """
from components.execution_role import EcsExecutionRole, EcsExecutionRoleArgs
from components.task_definition import ApplicationTaskDefinition, ApplicationTaskDefinitionArgs

first, second = demo_secrets("first", "one"), demo_secrets("second", "two")
role = EcsExecutionRole("role", EcsExecutionRoleArgs(names=StackNames("demo", "production")))
entries = [first.access.container_secret("A", "app", "jwt_secret_key"),
           first.access.container_secret("B", "db", "password"),
           second.access.container_secret("C", "app", "database_url")]
ApplicationTaskDefinition("task", ApplicationTaskDefinitionArgs(
    names=StackNames("demo", "production"), image="example.com/app:1", execution_role=role,
    container_secrets=entries, cpu=256, memory=512, container_port=8080,
    log_retention_in_days=30))
"""
)


def test_wiring_container_secrets_grants_the_role_exactly_their_secrets_once_each():
    result = run_program(WIRING_PROGRAM)
    policies = result.resources_of("aws:iam/rolePolicy:RolePolicy")
    # Two entries read `first`, one reads `second`: one policy per secrets component.
    assert sorted(p["inputs"]["name"] for p in policies) == [
        "demo-production-ecs-execution-secrets",
        "demo-production-ecs-execution-secrets-1",
    ]
    granted = []
    for policy in policies:
        (read,) = json.loads(policy["inputs"]["policy"])["Statement"]
        granted.append(
            sorted(arn.split(":secret:")[1].rsplit("-", 1)[0] for arn in read["Resource"])
        )
    assert sorted(granted) == [
        ["one-production-app-secrets", "one-production-db-credentials"],
        ["two-production-app-secrets", "two-production-db-credentials"],
    ]


def test_a_task_without_container_secrets_grants_no_secret_read():
    program = WIRING_PROGRAM.replace("container_secrets=entries", "container_secrets=[]")
    result = run_program(program)
    assert result.resources_of("aws:iam/rolePolicy:RolePolicy") == []
