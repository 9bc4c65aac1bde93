"""Each secret's own policy, evaluated as IAM evaluates a request on a resource with a policy
(stack_model.iam_policy.evaluate_with_resource_policy): public policies are blocked; with an
administrator role configured, nobody but the execution role and that role gets in, and the
administrator keeps what it needs to run the stack and to undo the policy."""

from __future__ import annotations

import json

import pytest
from conftest import synth

from settings import ConfigError
from stack_model.iam_policy import Decision, evaluate_with_resource_policy

ACCOUNT = "123456789012"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/platform-deploy"
EXECUTION = f"arn:aws:iam::{ACCOUNT}:role/programador-musical-production-ecs-execution-role"
OTHER = f"arn:aws:iam::{ACCOUNT}:role/some-other-service"
EVERYTHING = {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}


def _policies(result) -> dict[str, dict]:
    return {
        r["inputs"]["secretArn"]: r["inputs"]
        for r in result.resources_of("aws:secretsmanager/secretPolicy:SecretPolicy")
    }


def _execution_policy(result) -> dict:
    policy = result.named(
        "aws:iam/rolePolicy:RolePolicy", "programador-musical-production-ecs-execution-secrets"
    )
    return json.loads(policy["inputs"]["policy"])


@pytest.fixture(scope="module")
def sealed():
    return synth(secretsAdministratorRoleArn=ADMIN)


def test_every_secret_blocks_public_policies(production):
    policies = _policies(production)
    secrets = {
        r["inputs"]["name"] for r in production.resources_of("aws:secretsmanager/secret:Secret")
    }
    assert len(policies) == len(secrets) == 2
    assert all(p["blockPublicPolicy"] is True for p in policies.values())


def test_without_an_administrator_the_policy_only_delegates_to_iam(production):
    for arn, inputs in _policies(production).items():
        document = json.loads(inputs["policy"])
        assert [s["Effect"] for s in document["Statement"]] == ["Allow"]
        # It grants nothing by itself, and takes nothing away from an IAM grant.
        assert (
            evaluate_with_resource_policy([], document, OTHER, "secretsmanager:GetSecretValue", arn)
            is Decision.IMPLICIT_DENY
        )
        assert evaluate_with_resource_policy(
            [EVERYTHING], document, OTHER, "secretsmanager:GetSecretValue", arn
        ).allowed


@pytest.mark.parametrize(
    "action",
    [
        "secretsmanager:PutSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutResourcePolicy",
        "secretsmanager:DeleteResourcePolicy",
    ],
)
def test_the_administrator_keeps_running_the_stack_and_undoing_the_policy(sealed, action):
    for arn, inputs in _policies(sealed).items():
        decision = evaluate_with_resource_policy([EVERYTHING], inputs["policy"], ADMIN, action, arn)
        assert decision.allowed, (action, arn)


def test_the_execution_role_still_reads_and_nothing_more(sealed):
    grant = _execution_policy(sealed)
    for arn, inputs in _policies(sealed).items():
        read = evaluate_with_resource_policy(
            [grant], inputs["policy"], EXECUTION, "secretsmanager:GetSecretValue", arn
        )
        assert read.allowed
        write = evaluate_with_resource_policy(
            [grant], inputs["policy"], EXECUTION, "secretsmanager:PutSecretValue", arn
        )
        assert not write.allowed


def test_any_other_principal_is_denied_whatever_its_iam_policy_says(sealed):
    for arn, inputs in _policies(sealed).items():
        for action in ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"):
            decision = evaluate_with_resource_policy(
                [EVERYTHING], inputs["policy"], OTHER, action, arn
            )
            assert decision is Decision.EXPLICIT_DENY


@pytest.mark.parametrize(
    "value", ["platform-deploy", "arn:aws:iam::123:role/x", "arn:aws:iam::123456789012:user/x"]
)
def test_an_administrator_that_is_not_a_role_arn_is_refused_by_name(value):
    with pytest.raises(ConfigError) as caught:
        synth(secretsAdministratorRoleArn=value)
    assert [p.key for p in caught.value.problems] == ["secretsAdministratorRoleArn"]
