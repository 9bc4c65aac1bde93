"""The managed rotation as the production stack declares it: AWS's hosted alternating-users
function at its pinned version, the schedule on db-credentials, the secrets' resource policy
letting the function through, and the config it is built from, validated."""

from __future__ import annotations

import json

import pytest
from conftest import synth

from harness.synth import synthesize
from settings import ConfigError
from stack_model.iam_policy import Decision, evaluate_with_resource_policy
from stack_model.rotation import (
    ROTATION_APPLICATION_VERSION,
    automatic_days_range,
    schedule_expression_shape,
    schedule_problem,
)

APPLICATION = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
PREFIX = "programador-musical-production"
MASTER = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
    "rds!db-3f1c6a52-8d2e-4b7a-9c41-0e5d7f2a9b13-Ab12Cd"
)


def test_the_hosted_function_is_aws_application_at_the_pinned_version(production):
    (application,) = production.resources_of(APPLICATION)
    inputs = application["inputs"]
    assert inputs["applicationId"] == (
        "arn:aws:serverlessrepo:us-east-1:297356227824:applications/"
        "SecretsManagerRDSPostgreSQLRotationMultiUser"
    )
    assert inputs["semanticVersion"] == ROTATION_APPLICATION_VERSION == "1.1.671"
    assert sorted(inputs["capabilities"]) == ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]
    assert inputs["name"] == f"{PREFIX}-db-rotation"
    assert inputs["parameters"] == {
        "endpoint": "https://secretsmanager.us-east-1.amazonaws.com",
        "functionName": f"{PREFIX}-db-rotation",
        "vpcSubnetIds": "subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788",
        "vpcSecurityGroupIds": "sg-0123456789abcdef0",
        "excludeCharacters": ":/@\"'\\",  # AWS's default for its RDS functions
        "masterSecretArn": MASTER,
        "kmsKeyArn": production.outputs["kmsKeyArn"],
    }


def test_the_schedule_rotates_db_credentials_with_that_function_and_waits_for_the_first_user(
    production,
):
    (rotation,) = production.resources_of(ROTATION)
    inputs = rotation["inputs"]
    assert inputs["secretId"] == production.outputs["dbCredentialsArn"]
    assert inputs["rotationLambdaArn"] == production.outputs["rotationFunctionArn"]
    assert inputs["rotationRules"] == {"scheduleExpression": "rate(30 days)"}
    # Not at once: the first user is created after the stack (bootstrap-db-user).
    assert inputs["rotateImmediately"] is False
    custom = synth(rotationSchedule="cron(0 4 ? * SUN *)", rotationMasterSecretKmsKeyArn=KEY)
    (rotation,) = custom.resources_of(ROTATION)
    assert rotation["inputs"]["rotationRules"] == {"scheduleExpression": "cron(0 4 ? * SUN *)"}
    (application,) = custom.resources_of(APPLICATION)
    assert application["inputs"]["parameters"]["masterSecretKmsKeyArn"] == KEY


def test_the_manual_scheme_declares_no_function_and_says_so():
    result = synth("staging")
    assert result.resources_of(APPLICATION) == result.resources_of(ROTATION) == []
    assert result.outputs["rotationFunctionArn"] is None
    assert any("rotated by hand (rotationManaged=false)" in w for w in result.warnings)
    assert not any("rotated by hand" in w for w in synth().warnings)


KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ADMIN = "arn:aws:iam::123456789012:role/platform-deploy"
OTHER = "arn:aws:iam::123456789012:role/some-other-service"
# What the application's template grants its function: the rotation actions on the secret.
FUNCTION_GRANT = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            "Resource": "*",
        }
    ]
}


def test_a_sealed_secret_still_lets_the_rotation_function_rotate_it():
    sealed = synth(secretsAdministratorRoleArn=ADMIN)
    (rotation,) = sealed.resources_of(ROTATION)
    db_arn = rotation["inputs"]["secretId"]
    (policy,) = [
        p["inputs"]["policy"]
        for p in sealed.resources_of("aws:secretsmanager/secretPolicy:SecretPolicy")
        if p["inputs"]["secretArn"] == db_arn
    ]
    excepted = json.loads(policy)["Statement"][1]["Condition"]["StringNotEquals"][
        "aws:PrincipalArn"
    ]
    (function_role,) = [arn for arn in excepted if "-db-rotation-role-" in arn]
    for action in FUNCTION_GRANT["Statement"][0]["Action"]:
        assert evaluate_with_resource_policy(
            [FUNCTION_GRANT], policy, function_role, action, db_arn
        ).allowed, action
        assert (
            evaluate_with_resource_policy([FUNCTION_GRANT], policy, OTHER, action, db_arn)
            is Decision.EXPLICIT_DENY
        )


def test_schedules_follow_botocores_model_and_secrets_managers_rules():
    shape = schedule_expression_shape()
    assert (shape["min"], shape["max"]) == (1, 256)
    assert automatic_days_range() == range(1, 1001)
    for good in ("rate(1 day)", "rate(1000 days)", "rate(4 hours)", "rate(24 hours)"):
        assert schedule_problem(good) is None, good
    assert schedule_problem("cron(0 4 ? * SUN *)") is None
    for bad in (
        "rate(0 days)",
        "rate(1001 days)",
        "rate(3 hours)",
        "rate(2 day)",
        "rate(1 days)",
        "every month",
        "cron(0 4 * *)",
        "rate(30 days)\n",
        "",
    ):
        assert schedule_problem(bad), bad


@pytest.mark.parametrize(
    ("overrides", "key", "says"),
    [
        ({"rotationSchedule": "monthly"}, "rotationSchedule", "rate(N days)"),
        ({"rotationSubnetIds": ["subnet-xyz"]}, "rotationSubnetIds", "subnet-"),
        ({"rotationSubnetIds": []}, "rotationSubnetIds", "at least one"),
        ({"rotationSecurityGroupIds": ["sg-1"]}, "rotationSecurityGroupIds", "sg-"),
        ({"rotationSecurityGroupIds": []}, "rotationSecurityGroupIds", "at least one"),
        ({"rotationMasterSecretArn": ""}, "rotationMasterSecretArn", "secret ARN"),
        ({"rotationMasterSecretArn": "rds!db-1"}, "rotationMasterSecretArn", "secret ARN"),
        ({"rotationMasterSecretKmsKeyArn": "alias/x"}, "rotationMasterSecretKmsKeyArn", "KMS"),
        ({"databaseUsername": "u" * 58}, "databaseUsername", "_clone"),
    ],
)
def test_bad_rotation_config_is_refused_by_name_with_the_accepted_form(overrides, key, says):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides=overrides)
    (problem,) = caught.value.problems
    assert problem.key == key
    assert says in problem.accepted


def test_every_rotation_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        synthesize(
            overrides={
                "rotationSchedule": "sometimes",
                "rotationSubnetIds": [],
                "rotationSecurityGroupIds": [],
                "rotationMasterSecretArn": "",
            }
        )
    assert {p.key for p in caught.value.problems} == {
        "rotationSchedule",
        "rotationSubnetIds",
        "rotationSecurityGroupIds",
        "rotationMasterSecretArn",
    }


def test_the_manual_scheme_needs_none_of_it():
    result = synth(
        rotationManaged="false",
        rotationSubnetIds=[],
        rotationSecurityGroupIds=[],
        rotationMasterSecretArn="",
        databaseUsername="u" * 60,
    )
    assert result.resources_of(ROTATION) == []
