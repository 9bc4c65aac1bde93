"""What exists under a stack's names: the secrets (their values held in memory only), the
execution role and its policies, the task definition, the log group, the topic and alarms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from manage_secrets.aws import Aws
from manage_secrets.errors import EXIT_NOT_FOUND, EXIT_SCHEDULED_FOR_DELETION, CliError
from stack_model.alarms import ALARMS
from stack_model.naming import StackNames

VALUE_FROM_KEY = re.compile(r":secret:(?P<name>[^:]+?)(?:-[A-Za-z0-9]{6})?:(?P<key>[^:]*):")


@dataclass
class FoundSecret:
    alias: str  # app or db
    name: str
    arn: str
    kms_key: str | None
    tags: dict[str, str]
    current_version: str
    values: dict = field(repr=False)  # held in memory only, never written or printed
    description: str = ""
    replica_regions: tuple[str, ...] = ()


@dataclass
class Discovery:
    names: StackNames
    region: str
    account: str
    secrets: list[FoundSecret]
    role_exists: bool = False
    role_description: str = ""
    role_tags: dict[str, str] = field(default_factory=dict)
    role_trust: dict = field(default_factory=dict)
    inline_policies: dict[str, dict] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)
    task_definition: str | None = None
    # JSON keys the running task definition reads, per secret name.
    keys_read: dict[str, set[str]] = field(default_factory=dict)
    log_group: bool = False
    topic_arn: str | None = None
    alarms: list[str] = field(default_factory=list)

    def secret(self, alias: str) -> FoundSecret:
        return next(s for s in self.secrets if s.alias == alias)


def discover(aws: Aws, names: StackNames) -> Discovery:
    secrets = aws.client("secretsmanager")
    found = []
    for alias, name in (("app", names.app_secrets), ("db", names.db_credentials)):
        described = aws.call(lambda name=name: secrets.describe_secret(SecretId=name), name)
        if described.get("DeletedDate"):
            raise CliError(
                EXIT_SCHEDULED_FOR_DELETION,
                f"{name} is scheduled for deletion: run `manage-secrets restore {name}` first, "
                "then adopt again",
            )
        current = next(
            version
            for version, stages in described.get("VersionIdsToStages", {}).items()
            if "AWSCURRENT" in stages
        )
        found.append(
            FoundSecret(
                alias,
                name,
                described["ARN"],
                described.get("KmsKeyId"),
                {t["Key"]: t["Value"] for t in described.get("Tags", [])},
                current,
                aws.secret_json(name),
                described.get("Description", ""),
                tuple(r["Region"] for r in described.get("ReplicationStatus", [])),
            )
        )
    account = aws.call(lambda: aws.client("sts").get_caller_identity()["Account"])
    discovery = Discovery(names, aws.region, account, found)
    _discover_role(aws, discovery)
    _discover_task(aws, discovery)
    _discover_monitoring(aws, discovery)
    return discovery


def _missing(aws: Aws, action, subject: str):
    """The call's answer, or None when AWS says the thing does not exist."""
    try:
        return aws.call(action, subject)
    except CliError as error:
        if error.exit_code == EXIT_NOT_FOUND:
            return None
        raise


def _discover_role(aws: Aws, discovery: Discovery) -> None:
    iam, role = aws.client("iam"), discovery.names.execution_role
    found = _missing(aws, lambda: iam.get_role(RoleName=role), role)
    if found is None:
        return
    discovery.role_exists = True
    discovery.role_description = found["Role"].get("Description", "")
    discovery.role_tags = {t["Key"]: t["Value"] for t in found["Role"].get("Tags", [])}
    trust = found["Role"].get("AssumeRolePolicyDocument", {})
    discovery.role_trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
    for policy in aws.call(lambda: iam.list_role_policies(RoleName=role)["PolicyNames"], role):
        document = aws.call(
            lambda policy=policy: iam.get_role_policy(RoleName=role, PolicyName=policy), role
        )["PolicyDocument"]
        discovery.inline_policies[policy] = (
            json.loads(document) if isinstance(document, str) else document
        )
    attached = aws.call(lambda: iam.list_attached_role_policies(RoleName=role), role)
    discovery.attached = [p["PolicyArn"] for p in attached["AttachedPolicies"]]


def _discover_task(aws: Aws, discovery: Discovery) -> None:
    ecs, family = aws.client("ecs"), discovery.names.task_family
    described = _missing(aws, lambda: ecs.describe_task_definition(taskDefinition=family), family)
    if described is not None:
        definition = described["taskDefinition"]
        discovery.task_definition = definition["taskDefinitionArn"]
        for container in definition.get("containerDefinitions", []):
            for secret in container.get("secrets", []):
                match = VALUE_FROM_KEY.search(secret.get("valueFrom", ""))
                if match and match["key"]:
                    discovery.keys_read.setdefault(match["name"], set()).add(match["key"])
    logs = aws.client("logs")
    groups = aws.call(
        lambda: logs.describe_log_groups(logGroupNamePrefix=discovery.names.app_log_group)
    )["logGroups"]
    discovery.log_group = any(g["logGroupName"] == discovery.names.app_log_group for g in groups)


def _discover_monitoring(aws: Aws, discovery: Discovery) -> None:
    names = discovery.names
    wanted = [names.alarm(alarm.signal) for alarm in ALARMS]
    alarms = aws.call(lambda: aws.client("cloudwatch").describe_alarms(AlarmNames=wanted))
    discovery.alarms = [a["AlarmName"] for a in alarms["MetricAlarms"]]
    arn = f"arn:aws:sns:{discovery.region}:{discovery.account}:{names.alarm_topic}"
    sns = aws.client("sns")
    if _missing(aws, lambda: sns.get_topic_attributes(TopicArn=arn), arn) is not None:
        discovery.topic_arn = arn
