"""The stack outputs other stacks consume through StackReference: one declaration of each.

`__main__.py` exports through `export_outputs`, which refuses a set of values that differs from
this contract; docs/outputs.md's table is generated from it (tools/docs_tables.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class StackOutput:
    name: str
    type: str  # as docs/outputs.md writes it
    secret: bool
    meaning: str


CONTRACT: tuple[StackOutput, ...] = (
    StackOutput("appSecretsArn", "string", False, "full ARN of `<app>-<stack>-app-secrets`"),
    StackOutput("appSecretsName", "string", False, "its name"),
    StackOutput("dbCredentialsArn", "string", False, "full ARN of `<app>-<stack>-db-credentials`"),
    StackOutput("dbCredentialsName", "string", False, "its name"),
    StackOutput(
        "kmsKeyArn",
        "string or null",
        False,
        "the customer-managed key, null with `aws/secretsmanager`",
    ),
    StackOutput(
        "databasePassword",
        "string or null",
        True,
        "the generated password, for the database stack under manual rotation; null under "
        "managed rotation (the password lives only in db-credentials, and changes)",
    ),
    StackOutput("databaseUsername", "string", False, "the database user both secrets name"),
    StackOutput("databaseName", "string", False, "the database name both secrets name"),
    StackOutput("executionRoleArn", "string", False, "ARN of the ECS task execution role"),
    StackOutput("executionRoleName", "string", False, "its name"),
    StackOutput("taskDefinitionArn", "string", False, "ARN (with revision) of the task definition"),
    StackOutput("taskDefinitionFamily", "string", False, "`<app>-<stack>-app`"),
    StackOutput(
        "containerSecrets",
        "list of `{name, valueFrom}`",
        False,
        "the container's secret mappings (`valueFrom` = `<secret ARN>:<json key>::`), for "
        "stacks that define their own task definitions",
    ),
    StackOutput(
        "replicaSecretArns",
        "map of region to `{appSecretsArn, dbCredentialsArn}`",
        False,
        "the replicas' ARNs (same name and suffix, their region); empty without replicaRegions",
    ),
    StackOutput(
        "rotationFunctionArn",
        "string or null",
        False,
        "ARN of the managed rotation's function (AWS's alternating-users PostgreSQL function); "
        "null with rotationManaged=false",
    ),
    StackOutput(
        "containerSecretsByRegion",
        "map of region to list of `{name, valueFrom}`",
        False,
        "`containerSecrets` for a task definition in each region: the stack's own and each "
        "replica's, which reads its local replica",
    ),
    StackOutput(
        "alarmTopicArn",
        "string",
        False,
        "the SNS topic every alarm notifies (subscribe more endpoints here)",
    ),
    StackOutput("alarmNames", "list of strings", False, "the stack's alarm names"),
    StackOutput(
        "dashboardName", "string", False, "the CloudWatch dashboard `<app>-<stack>-secrets`"
    ),
)


def export_outputs(values: Mapping[str, Any]) -> None:
    """Exports exactly the contract's outputs, secret ones as secrets."""
    declared = {output.name for output in CONTRACT}
    if set(values) != declared:
        raise ValueError(
            "stack outputs differ from outputs_contract.CONTRACT: "
            f"missing {sorted(declared - set(values))}, undeclared {sorted(set(values) - declared)}"
        )
    for output in CONTRACT:
        value = values[output.name]
        pulumi.export(output.name, pulumi.Output.secret(value) if output.secret else value)
