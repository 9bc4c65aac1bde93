"""The IAM evaluator itself, on documented semantics, before it judges the stack's policies."""

from __future__ import annotations

import pytest

from stack_model.iam_policy import (
    Decision,
    evaluate,
    evaluate_with_resource_policy,
    grants_beyond,
    wildcard_match,
)

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


# Resource policies (IAM policy evaluation logic, within one account) ---------------------------

ME = "arn:aws:iam::111122223333:role/me"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf"


def _resource(effect, principal, condition=None):
    statement = {
        "Effect": effect,
        "Principal": principal,
        "Action": "secretsmanager:*",
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return {"Statement": [statement]}


def test_a_resource_policy_naming_the_principal_allows_without_an_identity_policy():
    document = _resource("Allow", {"AWS": ME})
    assert evaluate_with_resource_policy(
        [], document, ME, "secretsmanager:GetSecretValue", SECRET_ARN
    ).allowed


def test_naming_the_account_only_delegates_to_iam():
    document = _resource("Allow", {"AWS": "arn:aws:iam::111122223333:root"})
    assert not evaluate_with_resource_policy(
        [], document, ME, "secretsmanager:GetSecretValue", SECRET_ARN
    ).allowed


def test_a_deny_in_the_resource_policy_beats_an_identity_allow_and_honours_principal_arn():
    everything = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    deny_others = _resource("Deny", "*", {"StringNotEquals": {"aws:PrincipalArn": [ME]}})
    other = "arn:aws:iam::111122223333:role/other"
    assert (
        evaluate_with_resource_policy(
            [everything], deny_others, other, "secretsmanager:GetSecretValue", SECRET_ARN
        )
        is Decision.EXPLICIT_DENY
    )
    assert evaluate_with_resource_policy(
        [everything], deny_others, ME, "secretsmanager:GetSecretValue", SECRET_ARN
    ).allowed


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ({"Action": "secretsmanager:GetSecretValue", "Resource": SECRET_ARN}, []),
        (
            {
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "arn:aws:secretsmanager:*:*:secret:s-*",
            },
            ["on arn:aws:secretsmanager:*:*:secret:s-*"],
        ),
        ({"Action": "secretsmanager:*", "Resource": "*"}, ["allows secretsmanager:* on *"]),
        ({"Action": "*", "Resource": SECRET_ARN + "x"}, ["allows * on " + SECRET_ARN + "x"]),
        ({"NotAction": "iam:*", "Resource": "*"}, ["every action but"]),
        (
            {"Action": "kms:Decrypt", "NotResource": "arn:aws:kms:us-east-1:1:key/k"},
            ["every resource but"],
        ),
        ({"Action": ["ecr:*", "logs:*"], "Resource": "*"}, []),
    ],
)
def test_grants_beyond_the_exact_arns_are_named(statement, found):
    document = {"Statement": [{"Effect": "Allow", **statement}]}
    described = grants_beyond([document], {SECRET_ARN})
    assert len(described) == len(found)
    assert all(part in text for part, text in zip(found, described, strict=True))
