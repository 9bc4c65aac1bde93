"""Environments stay apart by construction: production and staging share no name, ARN or alarm,
and neither execution role can read the other's secrets."""

from __future__ import annotations

import json
import re

import pytest
from conftest import synth

from stack_model.iam_policy import evaluate

READS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
# Account-level ARNs are shared by design: AWS-owned managed policies, the account root in key
# policies, and wildcard patterns such as the trust policy's `arn:aws:ecs:<region>:<account>:*`.
SHARED = re.compile(r"^arn:aws:iam::aws:|:root$|\*")


@pytest.fixture(scope="module")
def stacks():
    return {"production": synth(), "staging": synth("staging")}


def _identifiers(result) -> set[str]:
    """Every ARN, physical name and alarm the stack declares or exports (logical names are the
    same in every stack by design: components/children.py)."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            try:
                walk(json.loads(value))
            except ValueError:
                pass
            found.update(re.findall(r"arn:aws:[^\s\"',]+", value))

    for resource in result.resources:
        walk(resource["inputs"])
        for key in ("name", "family", "bucket", "dashboardName", "identifier"):
            if isinstance(resource["inputs"].get(key), str):
                found.add(resource["inputs"][key])
    walk(result.outputs)
    found.update(result.outputs["alarmNames"])
    return {f for f in found if not SHARED.search(f)}


def test_no_identifier_of_one_stack_appears_in_the_other(stacks):
    production, staging = stacks["production"], stacks["staging"]
    production_text = json.dumps(production.document())
    staging_text = json.dumps(staging.document())
    production_ids = _identifiers(production)
    staging_ids = _identifiers(staging)
    assert len(production_ids) > 30 and len(staging_ids) > 18  # the walk really found them
    for identifier in staging_ids:
        assert identifier not in production_text, identifier
    for identifier in production_ids:
        assert identifier not in staging_text, identifier
    assert not set(production.outputs["alarmNames"]) & set(staging.outputs["alarmNames"])


def _secrets_policy(result) -> str:
    prefix = f"programador-musical-{result.stack}"
    return result.named("aws:iam/rolePolicy:RolePolicy", f"{prefix}-ecs-execution-secrets")[
        "inputs"
    ]["policy"]


@pytest.mark.parametrize(
    ("reader", "owner"), [("staging", "production"), ("production", "staging")]
)
def test_execution_roles_cannot_read_the_other_environment(stacks, reader, owner):
    policy = _secrets_policy(stacks[reader])
    for output in ("appSecretsArn", "dbCredentialsArn"):
        for action in READS:
            assert not evaluate([policy], action, stacks[owner].outputs[output]).allowed
            assert evaluate([policy], action, stacks[reader].outputs[output]).allowed


def test_staging_keeps_less_as_validation_allows(stacks):
    staging = stacks["staging"]
    for secret in staging.resources_of("aws:secretsmanager/secret:Secret"):
        assert secret["inputs"]["recoveryWindowInDays"] == 7
    group = staging.named("aws:cloudwatch/logGroup:LogGroup", "/ecs/programador-musical-staging")
    assert group["inputs"]["retentionInDays"] == 14
