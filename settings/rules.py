"""What each setting accepts, and how each section of the config is read."""

from __future__ import annotations

import re

from settings.declarations import (
    BY_NAME,
    FARGATE_CPU_UNITS,
    LOG_RETENTION_DAYS,
    POSTGRES_ENGINES,
    RDS_RESERVED_USERNAMES,
    RESERVED_TAG_KEYS,
)
from settings.model import (
    ContainerSettings,
    DatabaseSettings,
    MonitoringSettings,
    RotationSettings,
    SecretMapping,
)
from settings.schema import Reader
from stack_model.aws_limits import (
    POSTGRES_RESERVED_WORDS,
    RESERVED_TAG_PREFIX,
    TAG_KEY_LENGTH,
    TAG_LIMIT,
    TAG_VALUE_LENGTH,
    TRAIL_TAG_VALUE_MIN,
    bucket_name_problem,
    region_problem,
    tag_text_ok,
)
from stack_model.jwt_key_set import JWT_KEYS
from stack_model.naming import StackNames
from stack_model.restarts import SERVICE
from stack_model.rotation import MAX_ROTATED_USERNAME, schedule_problem
from stack_model.secret_shapes import ROTATED_TOGETHER, secret_keys

# Every pattern here is used with fullmatch: `$` would let a trailing newline through.
# Lowercase so every derived name also fits S3 and KMS alias rules; 40 leaves room for the
# longest suffix ("-ecs-execution-role") inside IAM's 64-character role-name limit.
NAME_PREFIX_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,38}[a-z0-9]")
DATABASE_IDENTIFIER_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
HOSTNAME_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOSTNAME_PATTERN = re.compile(rf"{HOSTNAME_LABEL}(\.{HOSTNAME_LABEL})*")
# Local part: printable ASCII without space or "@" (no control characters); domain: DNS labels.
EMAIL_PATTERN = re.compile(r"[!-?A-~]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# CloudWatch Logs LogGroupName (botocore logs model: 1-512, [\.\-_/#A-Za-z0-9]+).
LOG_GROUP_PATTERN = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IMAGE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}")
# The container's mappings (config may add more, never replace these). The JWT key set arrives
# as one JSON document, APP_SECRETS (the whole app-secrets), and under managed rotation the
# database credentials as another, DATABASE_CREDENTIALS: ECS reads each entry with its own
# GetSecretValue, so keys that change together are read in one call (docs/rotation.md).
KEY_SET_CONTAINER_SECRET = ("APP_SECRETS", "app", None)
BASE_CONTAINER_SECRETS = {
    False: (KEY_SET_CONTAINER_SECRET, ("DATABASE_PASSWORD", "app", "database_password")),
    True: (KEY_SET_CONTAINER_SECRET, ("DATABASE_CREDENTIALS", "db", None)),
}
# Fargate's CPU units -> memory (MiB) it accepts with them.
FARGATE_MEMORY = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
assert tuple(FARGATE_MEMORY) == FARGATE_CPU_UNITS


def name_prefix(reader: Reader, stack: str) -> str | None:
    """`<appName>-<stack>` names every resource, so it must fit every service's naming rules."""
    app_name = reader.value("appName")
    prefix = f"{app_name}-{stack}"
    accepted = (
        f'a name that, joined with the stack as "<appName>-{stack}", is 2-40 lowercase letters, '
        "digits or hyphens, starting with a letter (it names every resource)"
    )
    if not app_name or not NAME_PREFIX_PATTERN.fullmatch(prefix):
        reader.problem("appName", app_name, accepted)
        return app_name
    # The derived names with the strictest rules: the trail's S3 buckets.
    names = StackNames(app_name, stack)
    broken = bucket_name_problem(names.trail_bucket("123456789012")) or bucket_name_problem(
        names.trail_access_log_bucket("123456789012")
    )
    if broken:
        reader.problem("appName", app_name, f"{accepted}; its S3 bucket name must be {broken}")
    return app_name


def region(reader: Reader, name: str | None) -> str | None:
    problem = region_problem(name) if name else "an AWS region such as us-east-1"
    if problem:
        reader.problem("aws:region", name, f"{problem}; set it with `pulumi config set aws:region`")
    return name


def replica_regions(reader: Reader, primary: str | None) -> tuple[str, ...]:
    regions = reader.value("replicaRegions") or []
    seen: list[str] = []
    for name in regions:
        if not isinstance(name, str) or region_problem(name) or name == primary or name in seen:
            reader.problem("replicaRegions", name)
        else:
            seen.append(name)
    return tuple(seen)


def tags(reader: Reader, create_trail: bool) -> dict[str, str]:
    tags: dict[str, str] = {}
    # CloudTrail refuses empty tag values; only a stack with its own trail tags one.
    value_min = TRAIL_TAG_VALUE_MIN if create_trail else 0
    for entry in reader.value("tags") or []:
        if not isinstance(entry, str) or "=" not in entry:
            reader.problem("tags", entry)
            continue
        key, value = entry.split("=", 1)
        valid = (
            len(key) in TAG_KEY_LENGTH
            and len(value) in TAG_VALUE_LENGTH
            and len(value) >= value_min
            and tag_text_ok(key)
            and tag_text_ok(value)
            and not key.lower().startswith(RESERVED_TAG_PREFIX)
            and key not in RESERVED_TAG_KEYS
            and key not in tags
        )
        if not valid:
            reader.problem("tags", entry)
            continue
        tags[key] = value
    if len(tags) + len(RESERVED_TAG_KEYS) > TAG_LIMIT:
        reader.problem(
            "tags",
            f"{len(tags)} tags",
            f"at most {TAG_LIMIT - len(RESERVED_TAG_KEYS)} tags: AWS allows {TAG_LIMIT} per "
            f"resource and the stack adds {', '.join(RESERVED_TAG_KEYS)}",
        )
    return tags


def _database_identifier(reader: Reader, key: str) -> str | None:
    name = reader.matching(key, DATABASE_IDENTIFIER_PATTERN)
    if name and name.lower() in POSTGRES_RESERVED_WORDS:
        reader.problem(
            key, name, f"a name that is not a PostgreSQL reserved word ({name.lower()} is)"
        )
    return name


def database_settings(reader: Reader) -> DatabaseSettings:
    host = reader.value("databaseHost")
    if not host or len(host) > 253 or not HOSTNAME_PATTERN.fullmatch(host):
        reader.problem("databaseHost", host)
    username = _database_identifier(reader, "databaseUsername")
    if username and username.lower() in RDS_RESERVED_USERNAMES:
        reader.problem("databaseUsername", username)
    engine = reader.value("databaseEngine")
    if engine not in POSTGRES_ENGINES:
        reader.problem("databaseEngine", engine)
    return DatabaseSettings(
        host=host,
        port=reader.integer("databasePort"),
        name=_database_identifier(reader, "databaseName"),
        username=username,
        engine=engine,
        password_length=reader.integer("databasePasswordLength"),
    )


def container_secrets(reader: Reader, managed_rotation: bool) -> tuple[SecretMapping, ...]:
    mappings = [SecretMapping(*base) for base in BASE_CONTAINER_SECRETS[managed_rotation]]
    keys = secret_keys(managed_rotation)
    accepted = (
        '"ENV_VAR=app:<key>" or "ENV_VAR=db:<key>" with a new env var name '
        "(letters, digits, underscores, not starting with a digit); app keys: "
        + ", ".join(keys["app"])
        + "; db keys: "
        + ", ".join(keys["db"])
    )
    for entry in reader.value("containerSecrets") or []:
        env_name, _, reference = entry.partition("=") if isinstance(entry, str) else ("", "", "")
        secret, _, key = reference.partition(":")
        taken = {mapping.env_name for mapping in mappings}
        if (
            not ENV_NAME_PATTERN.fullmatch(env_name)
            or env_name in taken
            or key not in keys.get(secret, ())
        ):
            reader.problem("containerSecrets", entry, accepted)
            continue
        if managed_rotation and secret == "db" and key in ROTATED_TOGETHER:
            reader.problem(
                "containerSecrets",
                entry,
                "no db:username or db:password under managed rotation: ECS reads each entry "
                "separately, so a rotation between the reads can pair one user with the other's "
                "password; read both from DATABASE_CREDENTIALS (one JSON document)",
            )
            continue
        if secret == "app" and key in JWT_KEYS:
            reader.problem(
                "containerSecrets",
                entry,
                "no app:jwt_secret_key* entries: ECS reads each entry separately, so a key "
                "rotation between the reads can hand a task keys of two generations; read the "
                "key set from APP_SECRETS (one JSON document)",
            )
            continue
        mappings.append(SecretMapping(env_name, secret, key))
    return tuple(mappings)


def container_settings(reader: Reader, managed_rotation: bool) -> ContainerSettings:
    image = reader.matching("containerImage", IMAGE_PATTERN)
    cpu = reader.value("containerCpu")
    memory = reader.value("containerMemory")
    if cpu is not None and cpu not in FARGATE_MEMORY:
        reader.problem("containerCpu", cpu)
    elif cpu is not None and memory is not None and memory not in FARGATE_MEMORY[cpu]:
        options = FARGATE_MEMORY[cpu]
        reader.problem(
            "containerMemory",
            memory,
            f"a Fargate memory size for {cpu} CPU units: {options[0]}-{options[-1]} "
            f"in steps of {options[1] - options[0]}",
        )
    retention = reader.value("logsRetentionInDays")
    if retention is not None and retention not in LOG_RETENTION_DAYS:
        reader.problem("logsRetentionInDays", retention)
    return ContainerSettings(
        image=image,
        cpu=cpu,
        memory=memory,
        port=reader.integer("containerPort"),
        log_retention_in_days=retention,
        secrets=container_secrets(reader, managed_rotation),
    )


def monitoring_settings(reader: Reader) -> MonitoringSettings:
    emails = reader.value("monitoringAlarmEmails") or []
    for email in emails:
        if not isinstance(email, str) or not EMAIL_PATTERN.fullmatch(email):
            reader.problem("monitoringAlarmEmails", email)
    log_group = reader.value("monitoringCloudTrailLogGroup") or None
    create_trail = reader.value("monitoringCreateTrail")
    if log_group is not None and not LOG_GROUP_PATTERN.fullmatch(log_group):
        reader.problem("monitoringCloudTrailLogGroup", log_group)
    elif log_group is not None and create_trail:
        reader.problem(
            "monitoringCloudTrailLogGroup",
            log_group,
            "either an existing trail log group or monitoringCreateTrail=true, not both",
        )
    archive = reader.integer("trailArchiveAfterDays")
    expire = reader.integer("trailExpireAfterDays")
    lock = reader.integer("trailObjectLockDays")
    if isinstance(archive, int) and isinstance(expire, int) and archive >= expire:
        reader.problem("trailArchiveAfterDays", archive)
    if isinstance(lock, int) and isinstance(expire, int) and lock > expire:
        reader.problem("trailObjectLockDays", lock)
    return MonitoringSettings(
        alarm_emails=tuple(e for e in emails if isinstance(e, str)),
        retrieval_threshold=reader.integer("monitoringRetrievalThreshold"),
        cloudtrail_log_group=log_group,
        create_trail=create_trail,
        trail_archive_after_days=archive,
        trail_expire_after_days=expire,
        trail_object_lock_days=lock,
    )


ROLE_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def administrator_role(reader: Reader) -> str | None:
    role = reader.value("secretsAdministratorRoleArn") or None
    if role is not None and not ROLE_ARN_PATTERN.fullmatch(role):
        reader.problem("secretsAdministratorRoleArn", role)
    return role


def rotation_token(reader: Reader, key: str) -> str:
    token = reader.value(key)
    if not token or len(token) > 128 or not token.isprintable():
        reader.problem(key, token)
    return token


SUBNET_PATTERN = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
SECURITY_GROUP_PATTERN = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
SECRET_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]{1,512}"
)
KMS_KEY_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,128}")


def _ids(reader: Reader, key: str, pattern: re.Pattern, required: bool) -> tuple[str, ...]:
    ids = reader.value(key) or []
    seen: list[str] = []
    for entry in ids:
        if not isinstance(entry, str) or not pattern.fullmatch(entry) or entry in seen:
            reader.problem(key, entry)
        else:
            seen.append(entry)
    if required and not ids:
        reader.problem(
            key, [], f"at least one ID with rotationManaged=true: {BY_NAME[key].accepted}"
        )
    return tuple(seen)


def restart_services(reader: Reader) -> tuple[str, ...]:
    services = reader.value("rotationRestartServices") or []
    seen: list[str] = []
    for entry in services:
        if not isinstance(entry, str) or not SERVICE.fullmatch(entry) or entry in seen:
            reader.problem("rotationRestartServices", entry)
        else:
            seen.append(entry)
    return tuple(seen)


def rotation_settings(reader: Reader, database: DatabaseSettings) -> RotationSettings:
    """The managed rotation needs a master secret and a network path; the manual one nothing."""
    managed = bool(reader.value("rotationManaged"))
    schedule = reader.value("rotationSchedule")
    if schedule is not None and schedule_problem(schedule):
        reader.problem("rotationSchedule", schedule)
    master = reader.value("rotationMasterSecretArn") or None
    if master is not None and not SECRET_ARN_PATTERN.fullmatch(master):
        reader.problem("rotationMasterSecretArn", master)
    elif master is None and managed:
        reader.problem("rotationMasterSecretArn", "", BY_NAME["rotationMasterSecretArn"].accepted)
    master_key = reader.value("rotationMasterSecretKmsKeyArn") or None
    if master_key is not None and not KMS_KEY_ARN_PATTERN.fullmatch(master_key):
        reader.problem("rotationMasterSecretKmsKeyArn", master_key)
    if managed and database.username and len(database.username) > MAX_ROTATED_USERNAME:
        # The function names the second user `<username>_clone`, within PostgreSQL's 63.
        reader.problem(
            "databaseUsername",
            database.username,
            f"at most {MAX_ROTATED_USERNAME} characters with rotationManaged=true (the rotation "
            "adds `_clone` for the second user)",
        )
    return RotationSettings(
        managed=managed,
        schedule=schedule,
        master_secret_arn=master,
        master_secret_kms_key_arn=master_key,
        subnet_ids=_ids(reader, "rotationSubnetIds", SUBNET_PATTERN, managed),
        security_group_ids=_ids(
            reader, "rotationSecurityGroupIds", SECURITY_GROUP_PATTERN, managed
        ),
    )
