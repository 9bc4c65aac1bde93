"""What the pack's rules share: the resource types they look at, how a value the engine does not
know yet is read (`known`), and small readers of props. A module of the pack (the CLI runs the
pack from its own folder, where each file is a top-level module)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs

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
# JSON keys of a non-rotated secret that copy a rotated credential.
CREDENTIAL_COPY = re.compile(r"password|username|url", re.IGNORECASE)
CREDENTIAL_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY|DATABASE_URL", re.IGNORECASE)
SECRETS_MANAGER_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+"
)
# JSON-key form: <secret ARN>:<json-key>:<version-stage>:<version-id>, each possibly empty.
SECRETS_MANAGER_VALUE_FROM = re.compile(SECRETS_MANAGER_ARN.pattern + r"(:[^:]*:[^:]*:[^:]*)?$")
SSM_PARAMETER_ARN = re.compile(
    r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_.\-/]+$"
)


def called(resource) -> str:
    """The name a resource has in AWS when it has one (what an operator searches for), else its
    logical name in the program."""
    return str(resource.props.get("name") or resource.name)


def as_list(value: Any) -> list:
    if value is None:
        return []
    # The engine hands a rule its values wrapped (pulumi_policy's proxies: a Sequence, a
    # Mapping), not as list and dict.
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def policy_document(value: Any) -> dict | None:
    """A policy document prop: a JSON string, or already parsed; None while unknown."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def stack_of(urn: str) -> str:
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


def depends_on(resource, prop: str, type_token: str) -> list:
    """The resources of `type_token` that `prop` of `resource` is built from: the engine knows
    these links during a preview, when the ids they carry are not known yet."""
    return [
        d
        for d in (getattr(resource, "property_dependencies", None) or {}).get(prop, [])
        if d.resource_type == type_token
    ]


def container_definitions(args: ResourceValidationArgs) -> list[dict]:
    """The containers, or none while the definitions are not known (built from secret ARNs a
    preview of a new stack does not know): `pulumi up` judges them."""
    value = known(args.props, "containerDefinitions")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [c for c in as_list(value) if isinstance(c, Mapping)]


def value_from_parts(value_from: str) -> tuple[str, str | None]:
    """(secret ARN, JSON key or None) of a Secrets Manager valueFrom."""
    parts = value_from.split(":")
    return ":".join(parts[:7]), (parts[7] or None) if len(parts) > 7 else None


def rotations_by_secret(args: StackValidationArgs) -> dict[str, Any]:
    """Secret URN -> the SecretRotation of that secret (tied by what its secretId is built from,
    which a preview knows, or by an ARN given as it is)."""
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    rotations = {}
    for rotation in (r for r in args.resources if r.resource_type == SECRET_ROTATION):
        for secret in depends_on(rotation, "secretId", SECRET):
            rotations[secret.urn] = rotation
        secret_id = known(rotation.props, "secretId")
        for secret in secrets:
            if secret_id in (known(secret.props, "arn"), known(secret.props, "id")):
                rotations[secret.urn] = rotation
    return rotations


def replica_arns(secret) -> list[str]:
    """A replica keeps its secret's name and suffix; only the region part of the ARN differs."""
    arn = secret.props.get("arn")
    if not isinstance(arn, str) or arn.count(":") < 6:
        return []
    parts = arn.split(":")
    return [
        ":".join([*parts[:3], replica["region"], *parts[4:]])
        for replica in as_list(secret.props.get("replicas") or [])
        if isinstance(replica, Mapping) and replica.get("region")
    ]


def config_value(args, key: str, default: Any) -> Any:
    """A policy's config value (config_schema), with its default when the engine gives none (the
    offline check, tools/policy_check.py, gives the same defaults). Numbers arrive as floats
    through the engine's protobuf Struct."""
    value = (args.get_config() or {}).get(key, default)
    return int(value) if isinstance(default, int) and isinstance(value, float) else value


# The stacks the production rules hold (config `productionStacks` of each such rule).
PRODUCTION_STACKS = ("production",)
PRODUCTION_STACKS_SCHEMA = PolicyConfigSchema(
    properties={
        "productionStacks": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(PRODUCTION_STACKS),
        }
    }
)


def is_production(args, urn: str) -> bool:
    return stack_of(urn) in config_value(args, "productionStacks", list(PRODUCTION_STACKS))
