"""The rules of the programador-musical CrossGuard pack, importable without starting a server.

`__main__.py` wraps them in a PolicyPack for `pulumi preview --policy-pack policy`;
`tools/policy_check.py` runs the same objects offline against the synthesized stack.
Every message says how to fix what it reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IDENTITY_POLICIES = (
    ROLE_POLICY,
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/policy:Policy",
)
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TRAIL = "aws:cloudtrail/trail:Trail"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
SECRET_ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
# The secret of database credentials, as the stacks of this project name it.
CREDENTIALS_SECRET_SUFFIX = "-db-credentials"
# JSON keys a container must not read one by one from a rotated secret (ECS reads each entry
# with its own GetSecretValue: two reads can straddle a rotation and pair mismatched halves).
ROTATED_TOGETHER = ("username", "password")
# The JWT key set's keys (stack_model/jwt_key_set.py, JWT_KEYS; a test holds the copy to it): a
# container that read them one by one could hold keys of two generations.
JWT_KEY_SET_KEYS = ("jwt_secret_key", "jwt_secret_key_previous", "jwt_secret_key_next")
# JSON keys of a non-rotated secret that copy a rotated credential.
CREDENTIAL_COPY = re.compile(r"password|username|url", re.IGNORECASE)
PRODUCTION_STACKS = ("production",)
MIN_RECOVERY_WINDOW_DAYS = 7
CREDENTIAL_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL", re.IGNORECASE)
SECRETS_MANAGER_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+"
)
# JSON-key form: <secret ARN>:<json-key>:<version-stage>:<version-id>, each possibly empty.
SECRETS_MANAGER_VALUE_FROM = re.compile(SECRETS_MANAGER_ARN.pattern + r"(:[^:]*:[^:]*:[^:]*)?$")
SSM_PARAMETER_ARN = re.compile(
    r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_.\-/]+$"
)


def _called(resource) -> str:
    """The name a resource has in AWS when it has one (what an operator searches for), else its
    logical name in the program."""
    return str(resource.props.get("name") or resource.name)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    # The engine hands a rule its values wrapped (pulumi_policy's proxies: a Sequence, a
    # Mapping), not as list and dict.
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def _document(value: Any) -> dict | None:
    """A policy document prop: a JSON string, or already parsed; None while unknown."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def _stack_of(urn: str) -> str:
    return urn.split("::")[0].removeprefix("urn:pulumi:")


class _Unknown:
    """A value the engine knows only once the resources it is built from exist: during a preview,
    an output of a resource being created. pulumi_policy raises on reading one (and reports the
    rule as not run); the rules ask `known()` instead and judge what they can."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "[unknown]"


UNKNOWN = _Unknown()


def known(values: Any, key: Any, default: Any = None) -> Any:
    """values[key], UNKNOWN while the engine cannot know it (pulumi_policy/proxy.py)."""
    from pulumi_policy.proxy import UnknownValueError

    try:
        return values.get(key, default) if hasattr(values, "get") else values[key]
    except UnknownValueError:
        return UNKNOWN


def _depends_on(resource, prop: str, type_token: str) -> list:
    """The resources of `type_token` that `prop` of `resource` is built from: the engine knows
    these links during a preview, when the ids they carry are not known yet."""
    return [
        d
        for d in (getattr(resource, "property_dependencies", None) or {}).get(prop, [])
        if d.resource_type == type_token
    ]


# 1 ---------------------------------------------------------------------------------------------
def _recovery_window(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET:
        return
    window = args.props.get("recoveryWindowInDays", 30)
    if isinstance(window, (int, float)) and window < MIN_RECOVERY_WINDOW_DAYS:
        report(
            f"secret {_called(args)} has a recovery window of {window} days, so a deletion "
            f"cannot be undone: set recoveryWindowInDays to {MIN_RECOVERY_WINDOW_DAYS}-30 "
            "(config recoveryWindowInDays)"
        )


# 2 ---------------------------------------------------------------------------------------------
def _customer_managed_key(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET:
        return
    key = known(args.props, "kmsKeyId")
    if key is UNKNOWN:
        return  # a key this stack creates: its ARN is known once it exists
    if not key or key in ("alias/aws/secretsmanager",):
        report(
            f"secret {_called(args)} uses the AWS-managed aws/secretsmanager key, whose policy you "
            "cannot restrict: set kmsCustomerManagedKey to true"
        )


# 3 ---------------------------------------------------------------------------------------------
def _touches_secrets(action: str) -> bool:
    action = action.lower()
    return (
        action.startswith("secretsmanager:")
        or fnmatchcase("secretsmanager:getsecretvalue", action)
        or fnmatchcase("kms:decrypt", action)
    )


def _grants_every_secrets_action(action: str) -> bool:
    """`*`, `secretsmanager:*`, `secrets*`: one trailing wildcard over a service-name prefix."""
    head = action.lower()[:-1]
    return (
        action.endswith("*")
        and "*" not in head
        and "?" not in head
        and "secretsmanager:".startswith(head)
    )


def wildcard_secret_grants(document: dict) -> list[str]:
    """What in an identity policy grants Secrets Manager or kms:Decrypt too widely."""
    problems = []
    for statement in _as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
        if "NotAction" in statement:
            problems.append("NotAction grants every action not listed, Secrets Manager included")
        for action in actions:
            if _grants_every_secrets_action(action):
                problems.append(f"action {action} grants every Secrets Manager action")
        if not any(_touches_secrets(action) for action in actions):
            continue
        if "NotResource" in statement:
            problems.append("NotResource with Secrets Manager or kms:Decrypt actions")
        for resource in _as_list(statement.get("Resource")):
            if isinstance(resource, str) and ("*" in resource or "?" in resource):
                problems.append(f"resource {resource} is a wildcard or prefix")
    return problems


def _no_wildcard_secret_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in IDENTITY_POLICIES:
        return
    document = _document(known(args.props, "policy"))
    if document is None:
        return  # not a document yet (a preview builds it from ARNs not known): judged at `up`
    for problem in wildcard_secret_grants(document):
        report(
            f"policy {_called(args)}: {problem}; grant "
            "secretsmanager:GetSecretValue/DescribeSecret on exact secret ARNs "
            "(ApplicationSecrets.grant_read) and kms:Decrypt on one key"
        )


# 4 ---------------------------------------------------------------------------------------------
def _container_definitions(args: ResourceValidationArgs) -> list[dict]:
    """The containers, or none while the definitions are not known (built from secret ARNs a
    preview of a new stack does not know): `pulumi up` judges them."""
    value = known(args.props, "containerDefinitions")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [c for c in _as_list(value) if isinstance(c, Mapping)]


def _no_credentials_in_environment(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    for container in _container_definitions(args):
        for variable in _as_list(container.get("environment")):
            name = variable.get("name", "") if isinstance(variable, Mapping) else ""
            if CREDENTIAL_NAME.search(name):
                report(
                    f"container {container.get('name')} sets {name} in plain `environment`: "
                    "move it to `secrets` with a valueFrom pointing at Secrets Manager"
                )


# 5 ---------------------------------------------------------------------------------------------
def well_formed_value_from(value_from: str) -> bool:
    return bool(
        SECRETS_MANAGER_VALUE_FROM.fullmatch(value_from) or SSM_PARAMETER_ARN.fullmatch(value_from)
    )


def _secret_references_well_formed(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    for container in _container_definitions(args):
        for secret in _as_list(container.get("secrets")):
            value_from = secret.get("valueFrom") if isinstance(secret, Mapping) else None
            if isinstance(value_from, str) and not well_formed_value_from(value_from):
                report(
                    f"container {container.get('name')} secret {secret.get('name')}: valueFrom "
                    f"{value_from!r} is not a Secrets Manager ARN (optionally "
                    "`:<json-key>:<version-stage>:<version-id>`) or an SSM parameter ARN"
                )


# 6 ---------------------------------------------------------------------------------------------
def _trusts_ecs_tasks(document: dict) -> bool:
    return "ecs-tasks.amazonaws.com" in json.dumps(document)


def trust_problems(document: dict) -> list[str]:
    problems = []
    for statement in _as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal != {"Service": "ecs-tasks.amazonaws.com"}:
            problems.append(f"principal {json.dumps(principal)} besides ecs-tasks.amazonaws.com")
        conditions = statement.get("Condition", {})
        if not any("aws:SourceAccount" in tests for tests in conditions.values()):
            problems.append("no aws:SourceAccount condition (confused deputy)")
    return problems


def _execution_role_trust(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ROLE:
        return
    document = _document(args.props.get("assumeRolePolicy"))
    if document is None or not _trusts_ecs_tasks(document):
        return
    for problem in trust_problems(document):
        report(
            f"ECS execution role {_called(args)}: {problem}; trust only ecs-tasks.amazonaws.com "
            "with aws:SourceAccount = this account"
        )


# 7 ---------------------------------------------------------------------------------------------
def _kms_rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == KMS_KEY and args.props.get("enableKeyRotation") is not True:
        report(f"KMS key {_called(args)} does not rotate: set enable_key_rotation=True")


# 8 ---------------------------------------------------------------------------------------------
def _production_secrets_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SECRET or _stack_of(args.urn) not in PRODUCTION_STACKS:
        return
    if not args.opts.protect:
        report(
            f"production secret {_called(args)} is not protected: keep config protect=true so "
            "`pulumi destroy` cannot delete it"
        )


# 9 ---------------------------------------------------------------------------------------------
def _log_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report(f"log group {_called(args)} keeps logs forever: set retention_in_days")


# 10 --------------------------------------------------------------------------------------------
def _watches_secret_retrievals(alarm) -> bool:
    """An alarm on AWS/Usage CallCount of Secrets Manager's GetSecretValue: recognised by what it
    watches, not by its name, so the pack needs no copy of the stack's naming rule."""
    dimensions = alarm.props.get("dimensions") or {}
    return (
        alarm.props.get("namespace") == "AWS/Usage"
        and alarm.props.get("metricName") == "CallCount"
        and dimensions.get("Service") == "Secrets Manager"
        and dimensions.get("Resource") == "GetSecretValue"
    )


def _alarms_present(args: StackValidationArgs, report: ReportViolation) -> None:
    alarms = [r for r in args.resources if r.resource_type == METRIC_ALARM]
    if not any(_watches_secret_retrievals(alarm) for alarm in alarms):
        report("the secrets monitoring alarms are missing: compose SecretsMonitoring in the stack")
    for alarm in alarms:
        actions = known(alarm.props, "alarmActions")  # a topic being made: not known yet
        if actions is not UNKNOWN and not (actions and len(actions)):
            report(
                f"alarm {_called(alarm)} notifies nobody: give it the alarm topic as alarm_actions",
                alarm.urn,
            )


# 11 --------------------------------------------------------------------------------------------
def _replica_arns(secret) -> list[str]:
    """A replica keeps its secret's name and suffix; only the region part of the ARN differs."""
    arn = secret.props.get("arn")
    if not isinstance(arn, str) or arn.count(":") < 6:
        return []
    parts = arn.split(":")
    return [
        ":".join([*parts[:3], replica["region"], *parts[4:]])
        for replica in _as_list(secret.props.get("replicas") or [])
        if isinstance(replica, Mapping) and replica.get("region")
    ]


def _grant_problems(args: StackValidationArgs) -> list[tuple[str, str | None]]:
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    by_arn = {arn: r for r in secrets if isinstance(arn := known(r.props, "arn"), str)}
    # A replica is the same secret in another region: granting it is granting the secret.
    replicas = {replica: secret for secret in by_arn.values() for replica in _replica_arns(secret)}
    execution_roles = [
        r
        for r in args.resources
        if r.resource_type == ROLE
        and (doc := _document(known(r.props, "assumeRolePolicy")))
        and _trusts_ecs_tasks(doc)
    ]
    role_names = {known(r.props, "name") for r in execution_roles}
    role_urns = {r.urn for r in execution_roles}
    readable: set[str] = set()
    problems: list[tuple[str, str | None]] = []
    for policy in (r for r in args.resources if r.resource_type == ROLE_POLICY):
        on_role = {d.urn for d in _depends_on(policy, "role", ROLE)}
        if known(policy.props, "role") not in role_names and not on_role & role_urns:
            continue
        # What the policy is built from names the secrets it reads, known in a preview too.
        readable |= {d.urn for d in _depends_on(policy, "policy", SECRET)}
        document = _document(known(policy.props, "policy"))
        for statement in _as_list((document or {}).get("Statement")):
            actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
            if statement.get("Effect") != "Allow" or not any(
                a.startswith("secretsmanager:") for a in actions
            ):
                continue
            for resource in _as_list(statement.get("Resource")):
                if resource in by_arn:
                    readable.add(by_arn[resource].urn)
                elif resource not in replicas:
                    problems.append(
                        (
                            f"execution role policy {_called(policy)} grants {resource}, which is "
                            "not a secret of this stack: grant only this stack's secrets",
                            policy.urn,
                        )
                    )
    for secret in secrets:
        if secret.urn not in readable:
            problems.append(
                (
                    f"secret {_called(secret)} is read by no ECS execution role: grant it "
                    "(secrets.grant_read) or remove it",
                    secret.urn,
                )
            )
    return problems


def _secrets_and_grants_match(args: StackValidationArgs, report: ReportViolation) -> None:
    for message, urn in _grant_problems(args):
        report(message, urn)


# 12 --------------------------------------------------------------------------------------------
def _production_logs_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LOG_GROUP or _stack_of(args.urn) not in PRODUCTION_STACKS:
        return
    if known(args.props, "kmsKeyId") is not UNKNOWN and not args.props.get("kmsKeyId"):
        report(
            f"production log group {_called(args)} is not encrypted with a customer-managed key: "
            "keep kmsCustomerManagedKey true (the stack's log encryption key)"
        )


# 13 --------------------------------------------------------------------------------------------
def _trail_buckets_kept(args: StackValidationArgs, report: ReportViolation) -> None:
    """The bucket of a trail this stack declares is versioned (nothing overwritten or deleted
    for good) and lifecycled (files expire instead of growing forever). A setting is tied to its
    bucket by what it is built from (known in a preview before the bucket exists) or by name."""
    buckets = {r.urn: r for r in args.resources if r.resource_type == BUCKET}
    by_name = {known(r.props, "bucket"): urn for urn, r in buckets.items()}

    def buckets_of(resource, prop: str) -> set[str]:
        named = by_name.get(known(resource.props, prop))
        return {d.urn for d in _depends_on(resource, prop, BUCKET)} | ({named} if named else set())

    versioned: set[str] = set()
    lifecycled: set[str] = set()
    for r in args.resources:
        if r.resource_type == BUCKET_VERSIONING and (
            (known(r.props, "versioningConfiguration") or {}).get("status") == "Enabled"
        ):
            versioned |= buckets_of(r, "bucket")
        if r.resource_type == BUCKET_LIFECYCLE and any(
            rule.get("status") == "Enabled" and (rule.get("expiration") or {}).get("days")
            for rule in _as_list(known(r.props, "rules"))
        ):
            lifecycled |= buckets_of(r, "bucket")
    for trail in (r for r in args.resources if r.resource_type == TRAIL):
        for bucket in buckets_of(trail, "s3BucketName"):  # none: a bucket managed elsewhere
            name = known(buckets[bucket].props, "bucket") or buckets[bucket].name
            if bucket not in versioned:
                report(f"trail bucket {name} is not versioned: enable S3 versioning", trail.urn)
            if bucket not in lifecycled:
                report(
                    f"trail bucket {name} has no enabled expiration rule: its files would grow "
                    "forever (set trailExpireAfterDays)",
                    trail.urn,
                )


# 14 --------------------------------------------------------------------------------------------
def _secrets_have_resource_policies(args: StackValidationArgs, report: ReportViolation) -> None:
    guarded: set[str] = set()
    for policy in (r for r in args.resources if r.resource_type == SECRET_POLICY):
        if policy.props.get("blockPublicPolicy") is True:
            guarded |= {d.urn for d in _depends_on(policy, "secretArn", SECRET)}
            guarded.add(known(policy.props, "secretArn"))
    for secret in (r for r in args.resources if r.resource_type == SECRET):
        if secret.urn not in guarded and known(secret.props, "arn") not in guarded:
            report(
                f"secret {_called(secret)} has no resource policy with BlockPublicPolicy: "
                "attach one (ApplicationSecrets.attach_resource_policies)",
                secret.urn,
            )


# 15 --------------------------------------------------------------------------------------------
def _replicas_use_a_customer_managed_key(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    if args.resource_type != SECRET or not (
        (key := known(args.props, "kmsKeyId")) is UNKNOWN or key
    ):
        return
    for replica in _as_list(known(args.props, "replicas") or []):
        if (
            isinstance(replica, Mapping)
            and known(replica, "kmsKeyId") is not UNKNOWN
            and not replica.get("kmsKeyId")
        ):
            report(
                f"secret {_called(args)} uses a customer-managed key but its replica in "
                f"{replica.get('region')} would fall back to aws/secretsmanager: give each "
                "replica a key of its region"
            )


# 16 --------------------------------------------------------------------------------------------
def _rotations_by_secret(args: StackValidationArgs) -> dict[str, Any]:
    """Secret URN -> the SecretRotation of that secret (tied by what its secretId is built from,
    which a preview knows, or by an ARN given as it is)."""
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    rotations = {}
    for rotation in (r for r in args.resources if r.resource_type == SECRET_ROTATION):
        for secret in _depends_on(rotation, "secretId", SECRET):
            rotations[secret.urn] = rotation
        secret_id = known(rotation.props, "secretId")
        for secret in secrets:
            if secret_id in (known(secret.props, "arn"), known(secret.props, "id")):
                rotations[secret.urn] = rotation
    return rotations


def _rotated_secrets_have_a_schedule(args: StackValidationArgs, report: ReportViolation) -> None:
    rotations = _rotations_by_secret(args)
    for secret in (r for r in args.resources if r.resource_type == SECRET):
        rotation = rotations.get(secret.urn)
        if rotation is None:
            if _stack_of(secret.urn) in PRODUCTION_STACKS and str(_called(secret)).endswith(
                CREDENTIALS_SECRET_SUFFIX
            ):
                report(
                    f"secret {_called(secret)} holds database credentials in a production stack "
                    "but nothing rotates it: set rotationManaged=true (docs/rotation.md)",
                    secret.urn,
                )
            continue
        rules = rotation.props.get("rotationRules") or {}
        scheduled = rules.get("scheduleExpression") or rules.get("automaticallyAfterDays")
        function = known(rotation.props, "rotationLambdaArn")  # unknown: a function being made
        if not scheduled or not (function is UNKNOWN or function):
            report(
                f"secret {_called(secret)} is rotated without a schedule or a function: give its "
                "SecretRotation rotationRules (scheduleExpression) and rotationLambdaArn",
                rotation.urn,
            )


# 17 --------------------------------------------------------------------------------------------
def _value_from_parts(value_from: str) -> tuple[str, str | None]:
    """(secret ARN, JSON key or None) of a Secrets Manager valueFrom."""
    parts = value_from.split(":")
    return ":".join(parts[:7]), (parts[7] or None) if len(parts) > 7 else None


def _containers_read_rotated_credentials_whole(
    args: StackValidationArgs, report: ReportViolation
) -> None:
    rotations = _rotations_by_secret(args)
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    rotated = {known(s.props, "arn") for s in secrets if s.urn in rotations}
    if not rotations:
        return
    for task in (r for r in args.resources if r.resource_type == TASK_DEFINITION):
        definitions = ResourceValidationArgs(
            TASK_DEFINITION, task.props, task.urn, task.name, task.opts, None
        )
        for container in _container_definitions(definitions):
            for entry in _as_list(container.get("secrets")):
                value_from = entry.get("valueFrom") if isinstance(entry, Mapping) else None
                if not isinstance(value_from, str) or not SECRETS_MANAGER_ARN.match(value_from):
                    continue
                arn, key = _value_from_parts(value_from)
                if arn in rotated and key in ROTATED_TOGETHER:
                    report(
                        f"container {container.get('name')} reads {entry.get('name')} as the "
                        f"`{key}` of a rotated secret on its own: a rotation between two reads "
                        "pairs one user with the other's password; read the whole JSON in one "
                        "variable (DATABASE_CREDENTIALS)",
                        task.urn,
                    )
                elif arn not in rotated and key and CREDENTIAL_COPY.search(key):
                    report(
                        f"container {container.get('name')} reads {entry.get('name')} from "
                        f"`{key}` of a secret nothing rotates, while the stack rotates its "
                        "credentials: that copy goes stale; read the rotated secret",
                        task.urn,
                    )


# 18 --------------------------------------------------------------------------------------------
def _jwt_key_set_read_whole(args: StackValidationArgs, report: ReportViolation) -> None:
    for task in (r for r in args.resources if r.resource_type == TASK_DEFINITION):
        definitions = ResourceValidationArgs(
            TASK_DEFINITION, task.props, task.urn, task.name, task.opts, None
        )
        for container in _container_definitions(definitions):
            for entry in _as_list(container.get("secrets")):
                value_from = entry.get("valueFrom") if isinstance(entry, Mapping) else None
                if not isinstance(value_from, str) or not SECRETS_MANAGER_ARN.match(value_from):
                    continue
                _, key = _value_from_parts(value_from)
                if key in JWT_KEY_SET_KEYS:
                    report(
                        f"container {container.get('name')} reads {entry.get('name')} as the "
                        f"`{key}` of the JWT key set on its own: ECS reads each entry "
                        "separately, so a key rotation between two reads hands the task keys of "
                        "two generations; read the whole secret in one variable (APP_SECRETS)",
                        task.urn,
                    )


RESOURCE_POLICIES = [
    ResourceValidationPolicy(
        name="secrets-recovery-window",
        description=f"Secrets keep a recovery window of at least {MIN_RECOVERY_WINDOW_DAYS} days.",
        validate=_recovery_window,
    ),
    ResourceValidationPolicy(
        name="secrets-customer-managed-key",
        description="Secrets are encrypted with a customer-managed KMS key.",
        validate=_customer_managed_key,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
    ResourceValidationPolicy(
        name="iam-no-wildcard-secret-access",
        description="No identity policy grants Secrets Manager or kms:Decrypt on a wildcard.",
        validate=_no_wildcard_secret_access,
    ),
    ResourceValidationPolicy(
        name="ecs-no-credentials-in-environment",
        description="Credential-looking variables come through `secrets`, never `environment`.",
        validate=_no_credentials_in_environment,
    ),
    ResourceValidationPolicy(
        name="ecs-secret-references-well-formed",
        description="Every container secret's valueFrom is a well-formed Secrets Manager/SSM ARN.",
        validate=_secret_references_well_formed,
    ),
    ResourceValidationPolicy(
        name="ecs-execution-role-trust",
        description="ECS execution roles trust only ecs-tasks.amazonaws.com of this account.",
        validate=_execution_role_trust,
    ),
    ResourceValidationPolicy(
        name="kms-key-rotation",
        description="KMS keys rotate.",
        validate=_kms_rotation,
    ),
    ResourceValidationPolicy(
        name="production-secrets-protected",
        description="Secrets of a production stack are protected from deletion.",
        validate=_production_secrets_protected,
    ),
    ResourceValidationPolicy(
        name="log-group-retention",
        description="Log groups have a retention period.",
        validate=_log_retention,
    ),
    ResourceValidationPolicy(
        name="replicas-use-a-customer-managed-key",
        description="A secret under a customer-managed key keeps one on every replica.",
        validate=_replicas_use_a_customer_managed_key,
    ),
    ResourceValidationPolicy(
        name="production-logs-encrypted",
        description="Log groups of a production stack are encrypted with a customer-managed key.",
        validate=_production_logs_encrypted,
    ),
]
STACK_POLICIES = [
    StackValidationPolicy(
        name="monitoring-alarms-present",
        description="The secrets alarms exist and each notifies someone.",
        validate=_alarms_present,
    ),
    StackValidationPolicy(
        name="secrets-and-grants-match",
        description="Every secret is readable by an execution role; grants stay in the stack.",
        validate=_secrets_and_grants_match,
    ),
    StackValidationPolicy(
        name="secrets-have-resource-policies",
        description="Every secret has a resource policy that blocks public policies.",
        validate=_secrets_have_resource_policies,
    ),
    StackValidationPolicy(
        name="rotated-secrets-have-a-schedule",
        description="A rotated secret has a schedule and a function; production rotates its "
        "database credentials.",
        validate=_rotated_secrets_have_a_schedule,
    ),
    StackValidationPolicy(
        name="containers-read-rotated-credentials-whole",
        description="No container reads a rotated credential from a copy, or its user and "
        "password one by one.",
        validate=_containers_read_rotated_credentials_whole,
    ),
    StackValidationPolicy(
        name="trail-bucket-versioned-and-lifecycled",
        description="The bucket of a trail the stack declares is versioned and expires files.",
        validate=_trail_buckets_kept,
    ),
    StackValidationPolicy(
        name="containers-read-the-jwt-key-set-whole",
        description="No container reads the JWT keys one by one: the key set comes in one read.",
        validate=_jwt_key_set_read_whole,
    ),
]
POLICIES = RESOURCE_POLICIES + STACK_POLICIES
