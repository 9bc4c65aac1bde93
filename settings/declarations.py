"""Every config key of the stack, declared once: name, type, default, accepted form, secrecy.

The `config:` block of Pulumi.yaml and docs/configuration.md's table are generated from this
tuple (`python -m tools.project_config --write`); a test fails when either drifts from it.

Keys are flat camelCase names. The Pulumi CLI looks up every declared key as a property path
(pulumi/pulumi, pkg/workspace/config.go, mergeConfig: `stackConfig.Get(key, true)`), so a
dotted name such as `database.host` would mean object `database`, field `host`, which neither
`pulumi config set database.host` (a flat key) nor `pulumi.Config().get("database.host")` agree
with. A flat key is read the same way by the CLI, by `pulumi config set` and by the program, and
the CLI type-checks it (it type-checks only top-level keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from stack_model.aws_limits import TAG_LIMIT

# AWS and the app limit what these accept; the values live here so that the declaration, the
# validation and the generated docs agree.
FARGATE_CPU_UNITS = (256, 512, 1024, 2048, 4096, 8192, 16384)
POSTGRES_ENGINES = ("postgres", "aurora-postgresql")
# The values CloudWatch Logs PutRetentionPolicy accepts.
LOG_RETENTION_DAYS = (
    *(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731),
    *(1096, 1827, 2192, 2557, 2922, 3288, 3653),
)
RDS_RESERVED_USERNAMES = ("rdsadmin", "rdsrepladmin", "postgres")
# The tags the stack puts on every resource itself (settings.model.Settings.tags).
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")
# An imported JWT key shorter than this is too weak to keep (HS256 wants 256 bits).
MIN_IMPORTED_KEY_LENGTH = 32


@dataclass(frozen=True)
class ConfigKey:
    name: str
    type: str  # string, integer, boolean or array (of strings)
    description: str
    accepted: str  # what a valid value looks like, for errors and the docs
    default: object = None  # None: required, the stack file must set it
    secret: bool = False
    low: int | None = None
    high: int | None = None
    # The name this key had in the dotted layout, for the migration error.
    legacy_name: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


def _key(name: str, type_: str, description: str, accepted: str, **rest) -> ConfigKey:
    return ConfigKey(name, type_, description, accepted, **rest)


CONFIG_KEYS: tuple[ConfigKey, ...] = (
    _key(
        "appName",
        "string",
        'Application name; every physical name is "<appName>-<stack>-...".',
        "`<appName>-<stack>` is 2-40 lowercase letters, digits or hyphens, starting with a letter, "
        "and the names derived from it keep S3's bucket naming rules (no `xn--`, `sthree-` or "
        "`amzn-s3-demo-` prefix)",
        default="programador-musical",
    ),
    _key(
        "databaseHost",
        "string",
        "Hostname of the RDS PostgreSQL endpoint (required; no placeholder is invented).",
        "the RDS endpoint hostname, e.g. `<identifier>.<random>.<region>.rds.amazonaws.com`",
        legacy_name="database.host",
    ),
    _key(
        "databasePort",
        "integer",
        "Port of the database endpoint.",
        "an integer from 1 to 65535",
        default=5432,
        low=1,
        high=65535,
        legacy_name="database.port",
    ),
    _key(
        "databaseName",
        "string",
        "Database name.",
        "a letter, then letters, digits or underscores, at most 63 characters; not a PostgreSQL "
        "reserved word (`select`, `user`, ...)",
        default="programador_musical",
        legacy_name="database.name",
    ),
    _key(
        "databaseUsername",
        "string",
        "Database user name.",
        "a letter, then letters, digits or underscores, at most 63 characters; not a PostgreSQL "
        "reserved word, not " + ", ".join(RDS_RESERVED_USERNAMES),
        default="programador_user",
        legacy_name="database.username",
    ),
    _key(
        "databaseEngine",
        "string",
        "Engine recorded in the db-credentials secret, as AWS's RDS rotation functions expect it.",
        "one of " + ", ".join(POSTGRES_ENGINES),
        default="postgres",
        legacy_name="database.engine",
    ),
    _key(
        "databasePasswordLength",
        "integer",
        "Length of the generated database password.",
        "an integer from 16 to 128",
        default=20,
        low=16,
        high=128,
        legacy_name="database.passwordLength",
    ),
    _key(
        "jwtBytes",
        "integer",
        "Random bytes in the generated JWT signing key (base64-encoded).",
        "an integer from 32 to 256",
        default=32,
        low=32,
        high=256,
        legacy_name="jwt.bytes",
    ),
    _key(
        "jwtSecretKey",
        "string",
        "Existing JWT signing key to import instead of generating one; empty means generate. "
        "Set it with `pulumi config set --secret jwtSecretKey`.",
        f"an existing key of at least {MIN_IMPORTED_KEY_LENGTH} characters, set with `--secret`; "
        "empty means generate",
        default="",
        secret=True,
        legacy_name="jwt.secretKey",
    ),
    _key(
        "databasePassword",
        "string",
        "Existing database password to keep instead of generating one (adopting a database that "
        "runs); empty means generate. Set it with `pulumi config set --secret databasePassword`.",
        "an existing password RDS accepts (8 to 128 printable ASCII characters without `/`, `@`, "
        '`"` or spaces), set with `--secret`; empty means generate',
        default="",
        secret=True,
    ),
    _key(
        "rotationJwt",
        "string",
        "Token of the JWT key from before jwtKeyGeneration, kept by the keys of even "
        "generations; leave it as it is (a change replaces those keys). Rotate with "
        "jwtKeyGeneration.",
        "a non-empty printable token of at most 128 characters",
        default="initial",
        legacy_name="rotation.jwt",
    ),
    _key(
        "rotationDatabase",
        "string",
        "Rotation token of the database password under manual rotation (rotationManaged false); "
        "change it and run `pulumi up` to generate a new password. Managed rotation ignores it.",
        "a non-empty printable token of at most 128 characters",
        default="initial",
        legacy_name="rotation.database",
    ),
    _key(
        "jwtKeyGeneration",
        "integer",
        "Generation N of the JWT key set: the app signs with key N and accepts N-1, N and N+1. "
        "Add 1 to rotate without logging anyone out (`manage-secrets rotate-jwt`); add 3 after "
        "a leak, which replaces every key and logs everyone out.",
        "an integer from 0 to 1000000 that only grows",
        default=0,
        low=0,
        high=1_000_000,
    ),
    _key(
        "rotationManaged",
        "boolean",
        "Secrets Manager rotates db-credentials on a schedule with AWS's hosted alternating-users "
        "PostgreSQL function (docs/rotation.md). false keeps the manual scheme: rotationDatabase "
        "and `pulumi up`, with an error window.",
        "true or false; true needs rotationMasterSecretArn, rotationSubnetIds and "
        "rotationSecurityGroupIds",
        default=False,
    ),
    _key(
        "rotationSchedule",
        "string",
        "When Secrets Manager rotates db-credentials (rotationManaged).",
        "rate(N days) with N from 1 to 1000, rate(N hours) with N from 4 to 24, or a cron() "
        "expression with six fields",
        default="rate(30 days)",
    ),
    _key(
        "rotationMasterSecretArn",
        "string",
        "ARN of the secret holding the RDS master user's credentials (RDS's own managed master "
        "secret, `masterUserSecretArn` of the database stack); the rotation function signs in with "
        "it to change the inactive user's password.",
        "a Secrets Manager secret ARN `arn:aws:secretsmanager:<region>:<account>:secret:<name>`; "
        "required with rotationManaged",
        default="",
    ),
    _key(
        "rotationMasterSecretKmsKeyArn",
        "string",
        "ARN of the KMS key that encrypts the master secret, when it is not aws/secretsmanager.",
        "a KMS key ARN `arn:aws:kms:<region>:<account>:key/<id>`, or empty",
        default="",
    ),
    _key(
        "rotationSubnetIds",
        "array",
        "Private subnets of the database's VPC the rotation function runs in; they must reach RDS "
        "and Secrets Manager (a VPC interface endpoint with private DNS, or a NAT gateway).",
        "a list of subnet IDs `subnet-<8 or 17 hex digits>`, each once; at least one with "
        "rotationManaged",
        default=[],
    ),
    _key(
        "rotationSecurityGroupIds",
        "array",
        "Security groups of the rotation function; the database's group must allow them on the "
        "database port, and they must reach the Secrets Manager endpoint on 443.",
        "a list of security group IDs `sg-<8 or 17 hex digits>`, each once; at least one with "
        "rotationManaged",
        default=[],
    ),
    _key(
        "rotationRestartServices",
        "array",
        "ECS services (`cluster/service`) that read the secrets: each successful rotation of "
        "db-credentials and each new JWT key set forces a new deployment of them, so no task "
        "outlives one rotation (docs/rotation.md).",
        "a list of `cluster/service` names (letters, digits, hyphens, underscores), each once",
        default=[],
    ),
    _key(
        "kmsCustomerManagedKey",
        "boolean",
        "Encrypt both secrets with a customer-managed KMS key created by this stack (rotation on, "
        "alias `alias/<appName>-<stack>-secrets`) instead of aws/secretsmanager.",
        "true or false",
        default=False,
        legacy_name="kms.customerManagedKey",
    ),
    _key(
        "recoveryWindowInDays",
        "integer",
        "Days a deleted secret can still be restored.",
        "an integer from 7 to 30 (0, immediate deletion, only together with protect=false)",
        default=30,
    ),
    _key(
        "protect",
        "boolean",
        "Keep what holds data: the secrets and every KMS key are protected from deletion by "
        "Pulumi; the log groups and trail buckets are retained when replaced or destroyed.",
        "true or false",
        default=True,
    ),
    _key(
        "replicaRegions",
        "array",
        "Regions that get a replica of both secrets (with a key of their own in each when "
        "kmsCustomerManagedKey is on), for a task definition that runs there.",
        "regions botocore's partition data knows, other than the stack's, each once",
        default=[],
    ),
    _key(
        "secretsAdministratorRoleArn",
        "string",
        "The IAM role that runs `pulumi up` and administers the secrets. When set, each secret's "
        "resource policy denies every other principal but the execution role (docs/guardrails.md "
        "has the runbook); empty leaves access to IAM policies alone.",
        "an IAM role ARN such as `arn:aws:iam::<account>:role/<name>`, or empty",
        default="",
    ),
    _key(
        "tags",
        "array",
        "Extra tags added to Project, Environment and ManagedBy on every taggable resource.",
        f'a list of at most {TAG_LIMIT - len(RESERVED_TAG_KEYS)} "Key=Value" strings (AWS allows '
        f"{TAG_LIMIT} tags, the stack adds {len(RESERVED_TAG_KEYS)}): key 1-128 characters, value "
        "0-256 (1-256 with monitoringCreateTrail), letters, digits, spaces and _.:/=+-@ only, no "
        f"aws: prefix, no reserved key ({', '.join(RESERVED_TAG_KEYS)}), no duplicate key",
        default=[],
    ),
    _key(
        "containerImage",
        "string",
        "Image of the application container (required).",
        "an image reference such as `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`",
        legacy_name="container.image",
    ),
    _key(
        "containerCpu",
        "integer",
        "Fargate task CPU units.",
        "one of " + ", ".join(map(str, FARGATE_CPU_UNITS)),
        default=256,
        legacy_name="container.cpu",
    ),
    _key(
        "containerMemory",
        "integer",
        "Fargate task memory in MiB.",
        "a memory size Fargate offers with containerCpu (e.g. 512, 1024, 2048 for 256)",
        default=512,
        legacy_name="container.memory",
    ),
    _key(
        "containerPort",
        "integer",
        "Port the application container listens on.",
        "an integer from 1 to 65535",
        default=8000,
        low=1,
        high=65535,
        legacy_name="container.port",
    ),
    _key(
        "containerSecrets",
        "array",
        "Extra container secrets, added to SECRET_KEY and DATABASE_PASSWORD.",
        '"ENV_VAR=app:<json key>" or "ENV_VAR=db:<json key>" with a new env var name; the key '
        "must exist in that secret",
        default=[],
        legacy_name="container.secrets",
    ),
    _key(
        "logsRetentionInDays",
        "integer",
        "Retention of the /ecs/<appName>-<stack> log group (and the dedicated trail's log group).",
        "one of " + ", ".join(map(str, LOG_RETENTION_DAYS)),
        default=30,
        legacy_name="logs.retentionInDays",
    ),
    _key(
        "monitoringAlarmEmails",
        "array",
        "Email addresses subscribed to the alarm topic (each must confirm the mail AWS sends).",
        "a list of email addresses",
        default=[],
        legacy_name="monitoring.alarmEmails",
    ),
    _key(
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
    _key(
        "monitoringCloudTrailLogGroup",
        "string",
        "Existing CloudWatch Logs group that receives CloudTrail management events of this "
        "account and region; empty means none.",
        "a log group name: 1-512 of letters, digits and _-/.#; not together with "
        "monitoringCreateTrail",
        default="",
        legacy_name="monitoring.cloudTrailLogGroup",
    ),
    _key(
        "monitoringCreateTrail",
        "boolean",
        "Create a dedicated trail (private encrypted S3 bucket, log group, delivery role) for the "
        "CloudTrail-based alarms.",
        "true or false",
        default=False,
        legacy_name="monitoring.createTrail",
    ),
    _key(
        "trailArchiveAfterDays",
        "integer",
        "Days after which the dedicated trail's files move to S3 Glacier Instant Retrieval.",
        "an integer from 1 to 3650, less than trailExpireAfterDays",
        default=90,
        low=1,
        high=3650,
    ),
    _key(
        "trailExpireAfterDays",
        "integer",
        "Days after which the dedicated trail's files (and replaced versions of them) are deleted; "
        "the default keeps more than a year.",
        "an integer from 2 to 3650, more than trailArchiveAfterDays",
        default=400,
        low=2,
        high=3650,
    ),
    _key(
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

BY_NAME: dict[str, ConfigKey] = {key.name: key for key in CONFIG_KEYS}
# The dotted layout the first version of this project used -> today's key.
LEGACY_NAMES: dict[str, str] = {k.legacy_name: k.name for k in CONFIG_KEYS if k.legacy_name}


def declared(name: str) -> ConfigKey:
    return BY_NAME[name]
