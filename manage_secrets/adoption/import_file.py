"""The `pulumi import --file` input (pulumi/pulumi pkg/cmd/pulumi/operations/import.go,
importFile and importSpec): the program's components as `component` entries, each found resource
under the logical name the program declares (stack_model/logical_names.py), with the id its
provider's importer reads (terraform-provider-aws)."""

from __future__ import annotations

from manage_secrets.adoption.discovery import Discovery
from stack_model import logical_names as logical
from stack_model.alarms import ALARMS
from stack_model.policy_documents import ECS_TASK_EXECUTION_POLICY_ARN

SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


def _entry(type_: str, name: str, id_: str, parent: str, logical_name: str | None = None) -> dict:
    entry = {"type": type_, "name": name, "id": id_, "parent": parent}
    if logical_name and logical_name != name:
        entry["logicalName"] = logical_name
    return entry


def import_file(discovery: Discovery) -> dict:
    """`pulumi import --file` input. Entry names are unique (a parent is referred to by name);
    `logicalName` carries the program's name where two entries share it (a secret and its
    version). Ids are what each provider's importer reads (terraform-provider-aws)."""
    names = discovery.names
    components = [logical.SECRETS, logical.EXECUTION_ROLE, logical.TASK]
    resources = [{"type": c.type, "name": c.name, "component": True} for c in components]
    for secret in discovery.secrets:
        part = logical.APP_SECRETS if secret.alias == "app" else logical.DB_CREDENTIALS
        child = logical.SECRETS.child(part)
        resources.append(_entry(SECRET, child, secret.arn, logical.SECRETS.name))
        # secret_version.go: the id is "<secret id>|<version id>".
        resources.append(
            _entry(
                VERSION,
                f"{child}-version",
                f"{secret.arn}|{secret.current_version}",
                logical.SECRETS.name,
                child,
            )
        )
    if discovery.role_exists:
        role_parent = logical.EXECUTION_ROLE.name
        resources.append(
            _entry(
                "aws:iam/role:Role",
                logical.EXECUTION_ROLE.child(logical.ROLE),
                names.execution_role,
                role_parent,
            )
        )
        if names.execution_secrets_policy in discovery.inline_policies:
            resources.append(
                _entry(
                    "aws:iam/rolePolicy:RolePolicy",
                    logical.EXECUTION_ROLE.child(logical.READ_SECRETS),
                    f"{names.execution_role}:{names.execution_secrets_policy}",
                    role_parent,
                )
            )
        if ECS_TASK_EXECUTION_POLICY_ARN in discovery.attached:
            resources.append(
                _entry(
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    logical.EXECUTION_ROLE.child(logical.TASK_EXECUTION_POLICY),
                    f"{names.execution_role}/{ECS_TASK_EXECUTION_POLICY_ARN}",
                    role_parent,
                )
            )
    if discovery.log_group:
        resources.append(
            _entry(
                "aws:cloudwatch/logGroup:LogGroup",
                logical.TASK.child(logical.LOG_GROUP),
                names.app_log_group,
                logical.TASK.name,
            )
        )
    if discovery.task_definition:
        resources.append(
            _entry(
                "aws:ecs/taskDefinition:TaskDefinition",
                logical.TASK.child(logical.TASK_DEFINITION),
                discovery.task_definition,
                logical.TASK.name,
            )
        )
    if discovery.topic_arn or discovery.alarms:
        monitoring = logical.MONITORING
        resources.insert(3, {"type": monitoring.type, "name": monitoring.name, "component": True})
        if discovery.topic_arn:
            resources.append(
                _entry(
                    "aws:sns/topic:Topic",
                    monitoring.child(logical.TOPIC),
                    discovery.topic_arn,
                    monitoring.name,
                )
            )
        for alarm in ALARMS:
            if names.alarm(alarm.signal) in discovery.alarms:
                resources.append(
                    _entry(
                        "aws:cloudwatch/metricAlarm:MetricAlarm",
                        monitoring.child(logical.alarm_part(alarm.signal)),
                        names.alarm(alarm.signal),
                        monitoring.name,
                    )
                )
    return {"resources": resources}
