"""IAM-style policy documents (identity, trust, key and resource policies) as JSON strings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def policy_document(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(
    actions: str | list[str],
    resources: str | list[str],
    *,
    sid: str | None = None,
    effect: str = "Allow",
    principal: Any = None,
    condition: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {"Sid": sid} if sid else {}
    result["Effect"] = effect
    if principal is not None:
        result["Principal"] = principal
    result["Action"] = actions
    if resources is not None:
        result["Resource"] = resources
    if condition:
        result["Condition"] = dict(condition)
    return result


def assumable_by(service: str, condition: Mapping[str, Any], sid: str | None = None) -> str:
    """A trust policy letting one AWS service assume the role, under the given conditions."""
    return policy_document(
        statement(
            "sts:AssumeRole", None, sid=sid, principal={"Service": service}, condition=condition
        )
    )


def account_administers_key(account: str) -> dict:
    """The statement KMS's default key policy has: the account administers the key through IAM
    (without it, nobody could ever change or delete the key again)."""
    return statement(
        "kms:*", "*", sid="AccountAdministers", principal={"AWS": f"arn:aws:iam::{account}:root"}
    )


# AWS's managed policy for image pull and log delivery, attached to the execution role instead of
# hand-written permissions (and found there by `manage-secrets adopt`).
ECS_TASK_EXECUTION_POLICY_ARN = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
)
# Every AWS managed policy the stack attaches.
AWS_MANAGED_POLICIES_ATTACHED = (ECS_TASK_EXECUTION_POLICY_ARN,)


def ecs_execution_trust_policy(account_id: str, region: str) -> str:
    """ecs-tasks.amazonaws.com only, with the confused-deputy conditions AWS recommends."""
    return assumable_by(
        "ecs-tasks.amazonaws.com",
        {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{region}:{account_id}:*"},
        },
        sid="EcsTasksOfThisAccount",
    )
