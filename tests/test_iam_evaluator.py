"""The IAM evaluator itself, on documented semantics, before it judges the stack's policies."""

from __future__ import annotations

import pytest

from stack_model.iam_policy import Decision, evaluate, wildcard_match

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbC123"


def allow(action="secretsmanager:GetSecretValue", resource=ARN, **extra):
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}],
    }


def test_explicit_deny_beats_allow():
    deny = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    assert evaluate([allow(), deny], "secretsmanager:GetSecretValue", ARN) is Decision.EXPLICIT_DENY


def test_nothing_matching_is_an_implicit_deny():
    assert evaluate([allow()], "secretsmanager:PutSecretValue", ARN) is Decision.IMPLICIT_DENY
    assert evaluate([], "s3:GetObject", "arn:aws:s3:::b/k") is Decision.IMPLICIT_DENY


def test_actions_are_case_insensitive_resources_case_sensitive():
    assert evaluate([allow()], "SecretsManager:getsecretvalue", ARN).allowed
    assert not evaluate([allow()], "secretsmanager:GetSecretValue", ARN.upper()).allowed


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("secretsmanager:*", "secretsmanager:DeleteSecret", True),
        ("secretsmanager:Get*", "secretsmanager:DescribeSecret", False),
        ("arn:aws:secretsmanager:*:*:secret:app-??????", ARN, True),
        ("arn:aws:secretsmanager:*:*:secret:app-?????", ARN, False),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:app", ARN, False),
        ("a.b", "axb", False),
    ],
)
def test_wildcards(pattern, value, matches):
    assert wildcard_match(pattern, value) is matches


def test_not_action_and_not_resource():
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "NotAction": "secretsmanager:Delete*",
                "NotResource": "arn:aws:secretsmanager:*:*:secret:other-*",
            }
        ]
    }
    assert evaluate([policy], "secretsmanager:GetSecretValue", ARN).allowed
    assert not evaluate([policy], "secretsmanager:DeleteSecret", ARN).allowed
    other = "arn:aws:secretsmanager:us-east-1:1:secret:other-x"
    assert not evaluate([policy], "secretsmanager:GetSecretValue", other).allowed


def test_conditions_need_the_context_key():
    policy = allow(
        "kms:Decrypt",
        "*",
        Condition={"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
    )
    via = {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    assert evaluate([policy], "kms:Decrypt", "k", via).allowed
    assert not evaluate([policy], "kms:Decrypt", "k").allowed
    assert not evaluate([policy], "kms:Decrypt", "k", {"kms:ViaService": "s3.x"}).allowed


def test_unknown_condition_operator_is_refused():
    policy = allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
    with pytest.raises(ValueError, match="NumericLessThan"):
        evaluate([policy], "secretsmanager:GetSecretValue", ARN)
