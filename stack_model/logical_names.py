"""The program's logical names (the first argument of each resource), which URNs are made of:
`__main__.py` names its components with these, each component names its children
`<component>-<role>` (components/children.py), and `manage-secrets adopt` writes the same names
into its `pulumi import` file, so an adopted resource lands on the URN the program declares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    type: str
    name: str

    def child(self, role: str) -> str:
        return f"{self.name}-{role}"


SECRETS = Component("programador-musical:secrets:ApplicationSecrets", "application-secrets")
EXECUTION_ROLE = Component("programador-musical:ecs:ExecutionRole", "ecs-execution-role")
TASK = Component("programador-musical:ecs:ApplicationTaskDefinition", "application-task")
AUDIT_TRAIL = Component("programador-musical:monitoring:AuditTrail", "audit-trail")
MONITORING = Component("programador-musical:monitoring:SecretsMonitoring", "secrets-monitoring")
DATABASE_ROTATION = Component("programador-musical:secrets:DatabaseRotation", "database-rotation")
LOG_ENCRYPTION = Component("programador-musical:monitoring:LogEncryption", "log-encryption")
SERVICE_RESTARTS = Component("programador-musical:ecs:ServiceRestarts", "service-restarts")

# Child roles other code refers to (the rest appear only in their component).
APP_SECRETS = "app-secrets"  # the secret and its version
DB_CREDENTIALS = "db-credentials"
ROLE = "role"
TASK_EXECUTION_POLICY = "task-execution-policy"
READ_SECRETS = "read-secrets"
LOG_GROUP = "log-group"
TASK_DEFINITION = "task-definition"
TOPIC = "topic"


def alarm_role(signal: str) -> str:
    return f"{signal}-alarm"
