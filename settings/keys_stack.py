"""The declared keys of everything around the secrets: their encryption, protection and replicas,
tags, the container, monitoring and the trail (settings/declarations.py gathers every key)."""

from __future__ import annotations

from settings.config_key import ConfigKey, declare
from settings.limits import FARGATE_CPU_UNITS, LOG_RETENTION_DAYS, RESERVED_TAG_KEYS
from stack_model.aws_limits import TAG_LIMIT

STACK_KEYS: tuple[ConfigKey, ...] = (
    declare(
        "kmsCustomerManagedKey",
        "boolean",
        "Encrypt both secrets with a customer-managed KMS key created by this stack (rotation on, "
        "alias `alias/<appName>-<stack>-secrets`) instead of aws/secretsmanager.",
        "true or false",
        default=False,
        legacy_name="kms.customerManagedKey",
    ),
    declare(
        "recoveryWindowInDays",
        "integer",
        "Days a deleted secret can still be restored.",
        "an integer from 7 to 30 (0, immediate deletion, only together with protect=false)",
        default=30,
    ),
    declare(
        "protect",
        "boolean",
        "Keep what holds data: the secrets and every KMS key are protected from deletion by "
        "Pulumi; the log groups and trail buckets are retained when replaced or destroyed.",
        "true or false",
        default=True,
    ),
    declare(
        "replicaRegions",
        "array",
        "Regions that get a replica of both secrets (with a key of their own in each when "
        "kmsCustomerManagedKey is on), for a task definition that runs there.",
        "regions botocore's partition data knows, other than the stack's, each once",
        default=[],
    ),
    declare(
        "secretsAdministratorRoleArn",
        "string",
        "The IAM role that runs `pulumi up` and administers the secrets. When set, each secret's "
        "resource policy denies every other principal but the execution role (docs/guardrails.md "
        "has the runbook); empty leaves access to IAM policies alone.",
        "an IAM role ARN such as `arn:aws:iam::<account>:role/<name>`, or empty",
        default="",
    ),
    declare(
        "tags",
        "array",
        "Extra tags added to Project, Environment and ManagedBy on every taggable resource.",
        f'a list of at most {TAG_LIMIT - len(RESERVED_TAG_KEYS)} "Key=Value" strings (AWS allows '
        f"{TAG_LIMIT} tags, the stack adds {len(RESERVED_TAG_KEYS)}): key 1-128 characters, value "
        "0-256 (1-256 with monitoringCreateTrail), letters, digits, spaces and _.:/=+-@ only, no "
        f"aws: prefix, no reserved key ({', '.join(RESERVED_TAG_KEYS)}), no duplicate key",
        default=[],
    ),
    declare(
        "containerImage",
        "string",
        "Image of the application container (required).",
        "an image reference such as `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`",
        legacy_name="container.image",
    ),
    declare(
        "containerCpu",
        "integer",
        "Fargate task CPU units.",
        "one of " + ", ".join(map(str, FARGATE_CPU_UNITS)),
        default=256,
        legacy_name="container.cpu",
    ),
    declare(
        "containerMemory",
        "integer",
        "Fargate task memory in MiB.",
        "a memory size Fargate offers with containerCpu (e.g. 512, 1024, 2048 for 256)",
        default=512,
        legacy_name="container.memory",
    ),
    declare(
        "containerPort",
        "integer",
        "Port the application container listens on.",
        "an integer from 1 to 65535",
        default=8000,
        low=1,
        high=65535,
        legacy_name="container.port",
    ),
    declare(
        "containerSecrets",
        "array",
        "Extra container secrets, added to SECRET_KEY and DATABASE_PASSWORD.",
        '"ENV_VAR=app:<json key>" or "ENV_VAR=db:<json key>" with a new env var name; the key '
        "must exist in that secret",
        default=[],
        legacy_name="container.secrets",
    ),
    declare(
        "logsRetentionInDays",
        "integer",
        "Retention of the /ecs/<appName>-<stack> log group (and the dedicated trail's log group).",
        "one of " + ", ".join(map(str, LOG_RETENTION_DAYS)),
        default=30,
        legacy_name="logs.retentionInDays",
    ),
    declare(
        "monitoringAlarmEmails",
        "array",
        "Email addresses subscribed to the alarm topic (each must confirm the mail AWS sends).",
        "a list of email addresses",
        default=[],
        legacy_name="monitoring.alarmEmails",
    ),
    declare(
        "monitoringRetrievalThreshold",
        "integer",
        "GetSecretValue calls per 5 minutes (account and region) above which the "
        "retrieval-volume alarm fires.",
        "an integer from 1 to 1000000",
        default=10,
        low=1,
        high=1_000_000,
        legacy_name="monitoring.retrievalThreshold",
    ),
    declare(
        "monitoringCloudTrailLogGroup",
        "string",
        "Existing CloudWatch Logs group that receives CloudTrail management events of this "
        "account and region; empty means none.",
        "a log group name: 1-512 of letters, digits and _-/.#; not together with "
        "monitoringCreateTrail",
        default="",
        legacy_name="monitoring.cloudTrailLogGroup",
    ),
    declare(
        "monitoringCreateTrail",
        "boolean",
        "Create a dedicated trail (private encrypted S3 bucket, log group, delivery role) for the "
        "CloudTrail-based alarms.",
        "true or false",
        default=False,
        legacy_name="monitoring.createTrail",
    ),
    declare(
        "trailArchiveAfterDays",
        "integer",
        "Days after which the dedicated trail's files move to S3 Glacier Instant Retrieval.",
        "an integer from 1 to 3650, less than trailExpireAfterDays",
        default=90,
        low=1,
        high=3650,
    ),
    declare(
        "trailExpireAfterDays",
        "integer",
        "Days after which the dedicated trail's files (and replaced versions of them) are deleted; "
        "the default keeps more than a year.",
        "an integer from 2 to 3650, more than trailArchiveAfterDays",
        default=400,
        low=2,
        high=3650,
    ),
    declare(
        "trailObjectLockDays",
        "integer",
        "Days each dedicated trail file stays locked against deletion and overwrite (S3 Object "
        "Lock, governance mode); 0 turns the lock off.",
        "0, or an integer from 1 to trailExpireAfterDays",
        default=0,
        low=0,
        high=3650,
    ),
)
