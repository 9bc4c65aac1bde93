"""The execution role: trust, managed policy, and a provably least-privilege secrets policy."""

from __future__ import annotations

import json

import pytest
from conftest import synth
from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator

from stack_model.iam_policy import Decision, evaluate

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_NAME = "programador-musical-production-ecs-execution-role"
POLICY_NAME = "programador-musical-production-ecs-execution-secrets"
READS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
WRITES = (
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:ListSecrets",
    "secretsmanager:RotateSecret",
)
REGION_ACCOUNT = "us-east-1:123456789012"
STAGING_APP = (
    f"arn:aws:secretsmanager:{REGION_ACCOUNT}:secret:programador-musical-staging-app-secrets-AbC123"
)
PRODUCTION_OTHER = (
    f"arn:aws:secretsmanager:{REGION_ACCOUNT}:secret:programador-musical-production-other-AbC123"
)
GUIDE_STATEMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": list(READS),
            "Resource": [f"arn:aws:secretsmanager:{REGION_ACCOUNT}:secret:programador-musical-*"],
        }
    ],
}


def _policy(result) -> str:
    return result.named(POLICY, POLICY_NAME)["inputs"]["policy"]


def _secret_arns(result) -> list[str]:
    return [result.outputs["appSecretsArn"], result.outputs["dbCredentialsArn"]]


def test_role_name_and_trust_policy(production):
    role = production.named(ROLE, ROLE_NAME)
    assert role["inputs"]["name"] == ROLE_NAME
    trust = json.loads(role["inputs"]["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"},
    }
    assert production.outputs["executionRoleName"] == ROLE_NAME
    assert production.outputs["executionRoleArn"] == f"arn:aws:iam::123456789012:role/{ROLE_NAME}"


def test_managed_task_execution_policy_is_attached(production):
    (attachment,) = production.resources_of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment["inputs"] == {
        "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        "role": ROLE_NAME,
    }


def test_secrets_policy_names_exactly_the_two_full_arns_and_their_replicas(production):
    policy = production.named(POLICY, POLICY_NAME)
    assert policy["inputs"]["role"] == ROLE_NAME
    attached = [p for p in production.resources_of(POLICY) if p["inputs"]["role"] == ROLE_NAME]
    assert attached == [policy]
    statements = json.loads(_policy(production))["Statement"]
    read = next(s for s in statements if s["Sid"] == "ReadApplicationSecrets")
    assert read["Action"] == list(READS)
    replicas = [arn.replace(":us-east-1:", ":us-west-2:") for arn in _secret_arns(production)]
    assert read["Resource"] == _secret_arns(production) + replicas
    for arn in read["Resource"]:
        assert "*" not in arn and "?" not in arn
        assert arn.rsplit("-", 1)[1].isalnum() and len(arn.rsplit("-", 1)[1]) == 6


def test_kms_decrypt_only_on_the_stack_key_through_secrets_manager(production):
    statements = json.loads(_policy(production))["Statement"]
    decrypt = next(s for s in statements if s["Sid"] == "DecryptThroughSecretsManager")
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Resource"] == production.outputs["kmsKeyArn"]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    }


def test_no_kms_statement_with_the_aws_managed_key():
    result = synth(kmsCustomerManagedKey="false")
    statements = json.loads(_policy(result))["Statement"]
    assert [s["Sid"] for s in statements] == ["ReadApplicationSecrets"]


@pytest.mark.parametrize("action", READS)
def test_reads_of_each_stack_secret_are_allowed(production, action):
    for arn in _secret_arns(production):
        assert evaluate([_policy(production)], action, arn) is Decision.ALLOWED


@pytest.mark.parametrize("action", READS)
@pytest.mark.parametrize("arn", [STAGING_APP, PRODUCTION_OTHER])
def test_reads_of_other_secrets_are_denied(production, action, arn):
    assert evaluate([_policy(production)], action, arn) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize("action", WRITES)
def test_writes_and_lists_are_denied_on_the_stack_secrets(production, action):
    for arn in [*_secret_arns(production), "*"]:
        assert not evaluate([_policy(production)], action, arn).allowed


def test_kms_decrypt_needs_secrets_manager_as_the_caller(production):
    key = production.outputs["kmsKeyArn"]
    via = {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    assert evaluate([_policy(production)], "kms:Decrypt", key, via).allowed
    assert not evaluate([_policy(production)], "kms:Decrypt", key).allowed
    assert not evaluate(
        [_policy(production)], "kms:Decrypt", key.replace("key/", "key/x"), via
    ).allowed


def test_side_by_side_the_guide_statement_leaks_staging_and_ours_does_not(production):
    """The old guide's `programador-musical-*` resource reads every environment's secrets."""
    for action in READS:
        assert evaluate([GUIDE_STATEMENT], action, STAGING_APP) is Decision.ALLOWED
        assert evaluate([GUIDE_STATEMENT], action, PRODUCTION_OTHER) is Decision.ALLOWED
        assert evaluate([_policy(production)], action, STAGING_APP) is Decision.IMPLICIT_DENY
        assert evaluate([_policy(production)], action, PRODUCTION_OTHER) is Decision.IMPLICIT_DENY


@pytest.mark.parametrize("kms", ["true", "false"])
def test_every_policy_document_passes_a_real_iam_grammar_validator(kms):
    result = synth(kmsCustomerManagedKey=kms)
    for policy in result.resources_of(POLICY):
        IAMPolicyDocumentValidator(policy["inputs"]["policy"]).validate()
    for role in result.resources_of(ROLE):
        IAMTrustPolicyDocumentValidator(role["inputs"]["assumeRolePolicy"]).validate()


def test_validator_really_rejects_bad_grammar():
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Permit", "Action": "x:Y", "Resource": "*"}],
        }
    )
    with pytest.raises(Exception, match="(?i)effect|malformed"):
        IAMPolicyDocumentValidator(bad).validate()
