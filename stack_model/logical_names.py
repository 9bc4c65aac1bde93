"""The program's logical names (the first argument of each resource), which URNs are made of:
`__main__.py` names its components with these, each component names its children
`<component>-<part>` (components/children.py), and `manage-secrets adopt` writes the same names
into its `pulumi import` file, so an adopted resource lands on the URN the program declares.

PREVIOUS_NAMES is the one table of the names children had before: the child-naming helper
gives each child an alias to its entry, so a stack created with those names keeps its
resources (components/children.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stack_model.alarms import ALARMS


@dataclass(frozen=True)
class Component:
    type: str
    name: str

    def child(self, part: str) -> str:
        return f"{self.name}-{part}"


SECRETS = Component("programador-musical:secrets:ApplicationSecrets", "application-secrets")
EXECUTION_ROLE = Component("programador-musical:ecs:ExecutionRole", "ecs-execution-role")
TASK = Component("programador-musical:ecs:ApplicationTaskDefinition", "application-task")
AUDIT_TRAIL = Component("programador-musical:monitoring:AuditTrail", "audit-trail")
MONITORING = Component("programador-musical:monitoring:SecretsMonitoring", "secrets-monitoring")
DATABASE_ROTATION = Component("programador-musical:secrets:DatabaseRotation", "database-rotation")
LOG_ENCRYPTION = Component("programador-musical:monitoring:LogEncryption", "log-encryption")
SERVICE_RESTARTS = Component("programador-musical:ecs:ServiceRestarts", "service-restarts")

# Child parts that had another name, or that other code refers to (the adopt command's import
# file); the rest appear only in their component.
# ApplicationSecrets
KMS_KEY = "kms-key"
KMS_ALIAS = "kms-alias"
APP_SECRETS = "app-secrets"  # the secret and its version
DB_CREDENTIALS = "db-credentials"
DATABASE_PASSWORD = "database-password"
# The two slots the JWT key had before the key set (stack_model/jwt_key_set.py).
JWT_TWO_SLOT_PARTS = ("jwt-secret-key", "jwt-secret-key-slot-1")
# EcsExecutionRole, ApplicationTaskDefinition
ROLE = "role"
TASK_EXECUTION_POLICY = "task-execution-policy"
READ_SECRETS = "read-secrets"
LOG_GROUP = "log-group"
TASK_DEFINITION = "task-definition"
# AuditTrail
DELIVERY_ROLE = "delivery-role"
DELIVERY_POLICY = "delivery-policy"
TRAIL = "trail"
BUCKET = "bucket"
BUCKET_ENCRYPTION = "bucket-encryption"
BUCKET_POLICY = "bucket-policy"
# SecretsMonitoring
TOPIC_KEY = "topic-key"
TOPIC = "topic"
TOPIC_POLICY = "topic-policy"
DASHBOARD = "dashboard"
ROTATION_FAILED_RULE = "rotation-failed-rule"
ROTATION_FAILED_TARGET = "rotation-failed-target"


def alarm_part(signal: str) -> str:
    return f"{signal}-alarm"


def filter_part(signal: str) -> str:
    return f"{signal}-filter"


def email_part(index: int) -> str:
    return f"email-{index}"


def ownership_part(bucket: str) -> str:
    return f"{bucket}-ownership"


def public_access_block_part(bucket: str) -> str:
    return f"{bucket}-public-access-block"


# (component, part) -> the name before children were named after their component (c5c7c73),
# `<appName>-<stack>-<previous>`. A part with `{n}` stands for every part with a number there.
PREVIOUS_NAMES: dict[tuple[str, str], str] = {
    (SECRETS.name, KMS_KEY): "secrets",
    (SECRETS.name, KMS_ALIAS): "secrets",
    (SECRETS.name, APP_SECRETS): "app-secrets",
    (SECRETS.name, DB_CREDENTIALS): "db-credentials",
    (SECRETS.name, DATABASE_PASSWORD): "database-password",
    (SECRETS.name, JWT_TWO_SLOT_PARTS[0]): "jwt-secret-key",
    (EXECUTION_ROLE.name, ROLE): "ecs-execution-role",
    (EXECUTION_ROLE.name, TASK_EXECUTION_POLICY): "ecs-execution-role-task-execution",
    (EXECUTION_ROLE.name, READ_SECRETS): "ecs-execution-secrets",
    (EXECUTION_ROLE.name, READ_SECRETS + "-{n}"): "ecs-execution-secrets-{n}",
    (TASK.name, LOG_GROUP): "app-logs",
    (TASK.name, TASK_DEFINITION): "app",
    (AUDIT_TRAIL.name, LOG_GROUP): "trail",
    (AUDIT_TRAIL.name, DELIVERY_ROLE): "cloudtrail-logs",
    (AUDIT_TRAIL.name, DELIVERY_POLICY): "cloudtrail-logs",
    (AUDIT_TRAIL.name, TRAIL): "secrets-trail",
    **{
        (AUDIT_TRAIL.name, part): "trail"
        for part in (
            BUCKET,
            BUCKET_ENCRYPTION,
            BUCKET_POLICY,
            ownership_part(BUCKET),
            public_access_block_part(BUCKET),
        )
    },
    (MONITORING.name, TOPIC_KEY): "secrets-alarms",
    (MONITORING.name, TOPIC): "secrets-alarms",
    (MONITORING.name, TOPIC_POLICY): "secrets-alarms",
    (MONITORING.name, "email-{n}"): "secrets-alarms-email-{n}",
    (MONITORING.name, DASHBOARD): "secrets",
    (MONITORING.name, ROTATION_FAILED_RULE): "secrets-rotation-failed",
    (MONITORING.name, ROTATION_FAILED_TARGET): "secrets-rotation-failed",
    **{
        (MONITORING.name, filter_part(signal)): f"secrets-{signal}"
        for signal in (
            "unauthorized-access",
            "failed-retrievals",
            "rotation-failed",
            "rotation-succeeded",
        )
    },
    **{
        (MONITORING.name, alarm_part(a.signal)): f"secrets-{a.signal}"
        for a in ALARMS
        if a.had_prefixed_name
    },
}


def previous_name(component: str, part: str) -> str | None:
    """The name (without the `<appName>-<stack>-` prefix) the child had before, if any."""
    if (component, part) in PREVIOUS_NAMES:
        return PREVIOUS_NAMES[(component, part)]
    for (owner, pattern), previous in PREVIOUS_NAMES.items():
        if owner == component and "{n}" in pattern:
            matched = re.fullmatch(re.escape(pattern).replace(r"\{n\}", r"(\d+)"), part)
            if matched:
                return previous.replace("{n}", matched.group(1))
    return None
