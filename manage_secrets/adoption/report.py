"""What adopt writes besides the import file: the config commands that keep today's values, and
what the first `pulumi up` after the import will change."""

from __future__ import annotations

import shlex

from manage_secrets.adoption.discovery import Discovery
from manage_secrets.adoption.guards import KEPT
from manage_secrets.adoption.planned import planned as planned_changes
from stack_model.alarms import ALARMS


def config_script(discovery: Discovery, app_option: str, region: str) -> str:
    names = discovery.names
    stack = shlex.quote(names.stack)
    lines = [
        "#!/bin/sh",
        "# Written by `manage-secrets adopt`: keeps today's values in the stack's config. Secret",
        "# values go from `manage-secrets get-value` to `pulumi config set --secret` through a",
        "# pipe: never on a command line, in this file or on the screen.",
        "set -eu",
        "# Adoption keeps the manual rotation and the secrets' shapes the running tasks read;",
        "# managed rotation is turned on afterwards (docs/rotation.md, turning it on).",
        f"pulumi config set --stack {stack} rotationManaged false",
    ]
    for secret in discovery.secrets:
        for json_key, config_key, secret_config in KEPT[secret.alias]:
            if secret_config:
                read = (
                    f"manage-secrets get-value {shlex.quote(json_key)} --secret {secret.alias} "
                    f"--stack {stack} --region {shlex.quote(region)}{app_option}"
                )
                lines.append(f"{read} | pulumi config set --stack {stack} --secret {config_key}")
            else:
                value = secret.values[json_key]
                lines.append(
                    f"pulumi config set --stack {stack} {config_key} {shlex.quote(str(value))}"
                )
    return "\n".join(lines) + "\n"


def _wildcards(document: dict) -> list[str]:
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    resources = []
    for statement in statements:
        found = statement.get("Resource", [])
        resources += [found] if isinstance(found, str) else list(found)
    return [r for r in resources if "*" in r]


def changes(discovery: Discovery, notes: list[str]) -> list[str]:
    names, lines = discovery.names, []
    secrets_policy = discovery.inline_policies.get(names.execution_secrets_policy)
    if secrets_policy is not None:
        wildcards = _wildcards(secrets_policy)
        if wildcards:
            lines.append(
                f"~ {names.execution_secrets_policy}: the statement on "
                f"{', '.join(wildcards)} becomes the two secrets' exact ARNs (and kms:Decrypt "
                "on one key, with a customer-managed key)"
            )
    for policy in sorted(set(discovery.inline_policies) - {names.execution_secrets_policy}):
        lines.append(
            f"- inline policy {policy} on {names.execution_role}: not declared, left as is"
        )
    lines += [planned.line() for planned in planned_changes(discovery, notes)]
    lines += [f"~ {note}" for note in notes]
    lines.append(
        "~ rotation stays manual (rotationManaged false): turn managed rotation on once the app "
        "reads DATABASE_CREDENTIALS (docs/rotation.md)"
    )
    created = [] if discovery.role_exists else [f"role {names.execution_role}"]
    created += [] if discovery.log_group else [f"log group {names.app_log_group}"]
    created += [] if discovery.task_definition else [f"task definition {names.task_family}"]
    created += [] if discovery.topic_arn else [f"topic {names.alarm_topic}"]
    missing_alarms = [a.signal for a in ALARMS if names.alarm(a.signal) not in discovery.alarms]
    if missing_alarms:
        created.append(f"alarms {names.alarm('{' + ','.join(missing_alarms) + '}')}")
    created += [
        f"dashboard {names.dashboard}",
        f"EventBridge rule {names.rotation_failed_rule}",
        "the KMS keys, and the trail with monitoringCreateTrail",
    ]
    lines.append("+ created new: " + ", ".join(created))
    return lines
