"""What each setting accepts, and how each section of the config is read."""

from __future__ import annotations

import re

from components.credentials import SECRET_KEYS
from settings.model import ContainerSettings, DatabaseSettings, MonitoringSettings, SecretMapping
from settings.schema import Reader

# Lowercase so every derived name also fits S3 and KMS alias rules; 40 leaves room for the
# longest suffix ("-ecs-execution-role") inside IAM's 64-character role-name limit.
NAME_PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
DATABASE_IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
HOSTNAME_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOSTNAME_PATTERN = re.compile(rf"^{HOSTNAME_LABEL}(\.{HOSTNAME_LABEL})*$")
# AWS tag rules (Secrets Manager TagKeyType/TagValueType lengths; characters per the tagging guide).
TAG_CHARACTERS = re.compile(r"^[\w\s.:/=+\-@]*$")
RESERVED_TAG_KEYS = ("Project", "Environment", "ManagedBy")
POSTGRES_ENGINES = ("postgres", "aurora-postgresql")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# CloudWatch Logs LogGroupName (botocore logs model: 1-512, [\.\-_/#A-Za-z0-9]+).
LOG_GROUP_PATTERN = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IMAGE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$")
# The operations guide's mappings; config may add more, never replace these.
BASE_CONTAINER_SECRETS = (
    ("SECRET_KEY", "app", "jwt_secret_key"),
    ("DATABASE_PASSWORD", "app", "database_password"),
)
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
# The values PutRetentionPolicy accepts.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
RDS_RESERVED_USERNAMES = ("rdsadmin", "rdsrepladmin", "postgres")


def tags(reader: Reader) -> dict[str, str]:
    entries = reader.value("tags") or []
    tags: dict[str, str] = {}
    accepted = (
        'a list of "Key=Value" strings: key 1-128 characters, value 0-256, letters, digits, '
        "spaces and _.:/=+-@, no aws: prefix, no reserved key (Project, Environment, ManagedBy), "
        "no duplicate key"
    )
    for entry in entries:
        if not isinstance(entry, str) or "=" not in entry:
            reader.problem("tags", entry, accepted)
            continue
        key, value = entry.split("=", 1)
        key = key.strip()
        valid = (
            1 <= len(key) <= 128
            and len(value) <= 256
            and TAG_CHARACTERS.match(key)
            and TAG_CHARACTERS.match(value)
            and not key.lower().startswith("aws:")
            and key not in RESERVED_TAG_KEYS
            and key not in tags
        )
        if not valid:
            reader.problem("tags", entry, accepted)
            continue
        tags[key] = value
    return tags


def database_settings(reader: Reader) -> DatabaseSettings:
    host = reader.value("database.host")
    if not host:
        reader.problem(
            "database.host",
            host,
            "the RDS endpoint hostname (e.g. <identifier>.xxxx.<region>.rds.amazonaws.com); "
            "it has no default so that no secret ever holds a placeholder host",
        )
    elif len(host) > 253 or not HOSTNAME_PATTERN.match(host):
        reader.problem("database.host", host, "a DNS hostname such as the RDS endpoint")
    identifier = "a letter, then letters, digits or underscores, at most 63 characters"
    username = reader.matching("database.username", DATABASE_IDENTIFIER_PATTERN, identifier)
    if username and username.lower() in RDS_RESERVED_USERNAMES:
        reader.problem(
            "database.username", username, f"a name other than {', '.join(RDS_RESERVED_USERNAMES)}"
        )
    engine = reader.value("database.engine")
    if engine not in POSTGRES_ENGINES:
        reader.problem("database.engine", engine, f"one of {', '.join(POSTGRES_ENGINES)}")
    return DatabaseSettings(
        host=host,
        port=reader.integer("database.port", 1, 65535),
        name=reader.matching("database.name", DATABASE_IDENTIFIER_PATTERN, identifier),
        username=username,
        engine=engine,
        password_length=reader.integer("database.passwordLength", 16, 128),
    )


def container_secrets(reader: Reader) -> tuple[SecretMapping, ...]:
    mappings = [SecretMapping(*base) for base in BASE_CONTAINER_SECRETS]
    accepted = (
        '"ENV_VAR=app:<key>" or "ENV_VAR=db:<key>" with a new env var name '
        "(letters, digits, underscores, not starting with a digit); app keys: "
        + ", ".join(SECRET_KEYS["app"])
        + "; db keys: "
        + ", ".join(SECRET_KEYS["db"])
    )
    for entry in reader.value("container.secrets") or []:
        env_name, _, reference = entry.partition("=") if isinstance(entry, str) else ("", "", "")
        secret, _, key = reference.partition(":")
        taken = {mapping.env_name for mapping in mappings}
        if (
            not ENV_NAME_PATTERN.match(env_name)
            or env_name in taken
            or key not in SECRET_KEYS.get(secret, ())
        ):
            reader.problem("container.secrets", entry, accepted)
            continue
        mappings.append(SecretMapping(env_name, secret, key))
    return tuple(mappings)


def container_settings(reader: Reader) -> ContainerSettings:
    image = reader.matching(
        "container.image",
        IMAGE_PATTERN,
        "an image reference such as <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>",
    )
    cpu = reader.value("container.cpu")
    memory = reader.value("container.memory")
    if cpu is not None and cpu not in FARGATE_MEMORY:
        reader.problem("container.cpu", cpu, f"one of {', '.join(map(str, FARGATE_MEMORY))}")
    elif cpu is not None and memory is not None and memory not in FARGATE_MEMORY[cpu]:
        options = FARGATE_MEMORY[cpu]
        reader.problem(
            "container.memory",
            memory,
            f"a Fargate memory size for {cpu} CPU units: {options[0]}-{options[-1]} "
            f"in steps of {options[1] - options[0]}",
        )
    retention = reader.value("logs.retentionInDays")
    if retention is not None and retention not in LOG_RETENTION_DAYS:
        reader.problem(
            "logs.retentionInDays", retention, f"one of {', '.join(map(str, LOG_RETENTION_DAYS))}"
        )
    return ContainerSettings(
        image=image,
        cpu=cpu,
        memory=memory,
        port=reader.integer("container.port", 1, 65535),
        log_retention_in_days=retention,
        secrets=container_secrets(reader),
    )


def monitoring_settings(reader: Reader) -> MonitoringSettings:
    emails = reader.value("monitoring.alarmEmails") or []
    for email in emails:
        if not isinstance(email, str) or not EMAIL_PATTERN.match(email):
            reader.problem("monitoring.alarmEmails", email, "a list of email addresses")
    log_group = reader.value("monitoring.cloudTrailLogGroup") or None
    create_trail = reader.value("monitoring.createTrail")
    if log_group is not None and not LOG_GROUP_PATTERN.match(log_group):
        reader.problem(
            "monitoring.cloudTrailLogGroup",
            log_group,
            "a log group name: 1-512 of letters, digits and _-/.#",
        )
    elif log_group is not None and create_trail:
        reader.problem(
            "monitoring.cloudTrailLogGroup",
            log_group,
            "either an existing trail log group or monitoring.createTrail=true, not both",
        )
    return MonitoringSettings(
        alarm_emails=tuple(e for e in emails if isinstance(e, str)),
        retrieval_threshold=reader.integer("monitoring.retrievalThreshold", 1, 1_000_000),
        cloudtrail_log_group=log_group,
        create_trail=create_trail,
    )


def rotation_token(reader: Reader, key: str) -> str:
    token = reader.value(key)
    if not token or len(token) > 128 or not token.isprintable():
        reader.problem(key, token, "a non-empty printable token of at most 128 characters")
    return token
