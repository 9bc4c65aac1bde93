"""The stack's typed settings: read once, validated in one place, before any resource exists.

Key names, types, descriptions and defaults live in Pulumi.yaml (its `config:` block); this
module adds the rules. Every problem is collected, so one run reports all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import yaml

from components.credentials import SECRET_KEYS

PROJECT_FILE = Path(__file__).resolve().parent / "Pulumi.yaml"

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


@dataclass(frozen=True)
class ConfigProblem:
    key: str
    shown_value: str
    accepted: str

    def __str__(self) -> str:
        return f"{self.key} = {self.shown_value}: expected {self.accepted}"


class ConfigError(pulumi.RunError):
    """All configuration problems of one run; never carries a secret value.

    A RunError, so `pulumi preview` prints the message without a traceback."""

    def __init__(self, project: str, problems: list[ConfigProblem]):
        self.project = project
        self.problems = problems
        lines = [f"  - {project}:{problem}" for problem in problems]
        super().__init__(
            f"invalid stack configuration ({len(problems)} problem(s)); "
            "fix each with `pulumi config set <key> <value>`:\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class DatabaseSettings:
    host: str
    port: int
    name: str
    username: str
    engine: str
    password_length: int


@dataclass(frozen=True)
class SecretMapping:
    env_name: str
    secret: str  # "app" or "db"
    key: str


@dataclass(frozen=True)
class ContainerSettings:
    image: str
    cpu: int
    memory: int
    port: int
    log_retention_in_days: int
    secrets: tuple[SecretMapping, ...]


@dataclass(frozen=True)
class MonitoringSettings:
    alarm_emails: tuple[str, ...]
    retrieval_threshold: int
    cloudtrail_log_group: str | None
    create_trail: bool


@dataclass(frozen=True)
class Settings:
    project: str
    stack: str
    region: str
    app_name: str
    database: DatabaseSettings
    jwt_bytes: int
    # The imported key stays a secret Output from the moment it is read.
    jwt_imported_key: Any | None
    rotation_jwt: str
    rotation_database: str
    customer_managed_key: bool
    recovery_window_in_days: int
    protect: bool
    extra_tags: Mapping[str, str]
    container: ContainerSettings
    monitoring: MonitoringSettings

    @property
    def name_prefix(self) -> str:
        return f"{self.app_name}-{self.stack}"

    @property
    def tags(self) -> dict[str, str]:
        return {
            "Project": self.app_name,
            "Environment": self.stack,
            "ManagedBy": "pulumi",
            **self.extra_tags,
        }


@cache
def config_schema() -> dict[str, dict]:
    """The `config:` block of Pulumi.yaml: key -> {type, description, default, secret}."""
    return yaml.safe_load(PROJECT_FILE.read_text())["config"]


class _Reader:
    """Parses raw config strings by their declared type, recording problems instead of raising."""

    def __init__(
        self,
        project: str,
        raw: Callable[[str], str | None],
        is_secret: Callable[[str], bool],
    ):
        self.project = project
        self.raw = raw
        self.is_secret = is_secret
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, value: Any, accepted: str, secret: bool = False) -> None:
        # Declared secret in Pulumi.yaml, or set with `pulumi config set --secret`.
        secret = secret or config_schema().get(key, {}).get("secret", False) or self.is_secret(key)
        shown = "[secret]" if secret else ("(not set)" if value is None else repr(value))
        self.problems.append(ConfigProblem(key, shown, accepted))

    def value(self, key: str) -> Any:
        spec = config_schema()[key]
        text = self.raw(key)
        if text is None:
            return spec.get("default")
        kind = spec["type"]
        if kind == "string":
            return text
        if kind == "integer":
            try:
                return int(text.strip())
            except ValueError:
                self.problem(key, text, "an integer")
                return None
        if kind == "boolean":
            if text.strip().lower() in ("true", "false"):
                return text.strip().lower() == "true"
            self.problem(key, text, "true or false")
            return None
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list):
            self.problem(key, text, "a list (YAML sequence)")
            return None
        return parsed

    def integer(self, key: str, low: int, high: int) -> int | None:
        number = self.value(key)
        if number is not None and not low <= number <= high:
            self.problem(key, number, f"an integer from {low} to {high}")
        return number

    def matching(self, key: str, pattern: re.Pattern, accepted: str) -> str | None:
        text = self.value(key)
        if text is None:
            self.problem(key, None, accepted)
        elif not pattern.match(text):
            self.problem(key, text, accepted)
        return text


def _tags(reader: _Reader) -> dict[str, str]:
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


def _database(reader: _Reader) -> DatabaseSettings:
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


def _container_secrets(reader: _Reader) -> tuple[SecretMapping, ...]:
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


def _container(reader: _Reader) -> ContainerSettings:
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
        secrets=_container_secrets(reader),
    )


def _monitoring(reader: _Reader) -> MonitoringSettings:
    emails = reader.value("monitoring.alarmEmails") or []
    for email in emails:
        if not isinstance(email, str) or not EMAIL_PATTERN.match(email):
            reader.problem("monitoring.alarmEmails", email, "a list of email addresses")
    log_group = reader.value("monitoring.cloudTrailLogGroup")
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


def _rotation_token(reader: _Reader, key: str) -> str:
    token = reader.value(key)
    if not token or len(token) > 128 or not token.isprintable():
        reader.problem(key, token, "a non-empty printable token of at most 128 characters")
    return token


def load_settings(
    project: str,
    stack: str,
    raw: Callable[[str], str | None],
    region: str | None,
    as_secret: Callable[[str], Any] = lambda value: value,
    is_secret: Callable[[str], bool] = lambda key: False,
) -> Settings:
    """Builds the settings from raw config strings (`raw(key)`), or raises ConfigError.

    `as_secret` wraps secret values as soon as they are read (the program passes
    `pulumi.Output.secret`), so no plain copy of them is kept.
    """
    reader = _Reader(project, raw, is_secret)
    app_name = reader.value("appName")
    prefix = f"{app_name}-{stack}"
    if not app_name or not NAME_PREFIX_PATTERN.match(prefix):
        reader.problem(
            "appName",
            app_name,
            f'a name that, joined with the stack as "<appName>-{stack}", is 2-40 lowercase '
            "letters, digits or hyphens, starting with a letter (it names every resource)",
        )
    if not region:
        reader.problem("aws:region", region, "an AWS region such as us-east-1")

    database = _database(reader)
    jwt_bytes = reader.integer("jwt.bytes", 32, 256)
    imported = reader.raw("jwt.secretKey")
    if imported is not None and len(imported) < 32:
        reader.problem("jwt.secretKey", imported, "an existing key of at least 32 characters", True)

    protect = reader.value("protect")
    window = reader.value("recoveryWindowInDays")
    if window is not None and not (7 <= window <= 30 or (window == 0 and protect is False)):
        reader.problem(
            "recoveryWindowInDays",
            window,
            "an integer from 7 to 30 (0, immediate deletion, only together with protect=false)",
        )

    settings = Settings(
        project=project,
        stack=stack,
        region=region,
        app_name=app_name,
        database=database,
        jwt_bytes=jwt_bytes,
        jwt_imported_key=None if imported is None else as_secret(imported),
        rotation_jwt=_rotation_token(reader, "rotation.jwt"),
        rotation_database=_rotation_token(reader, "rotation.database"),
        customer_managed_key=reader.value("kms.customerManagedKey"),
        recovery_window_in_days=window,
        protect=protect,
        extra_tags=_tags(reader),
        container=_container(reader),
        monitoring=_monitoring(reader),
    )
    if reader.problems:
        raise ConfigError(project, reader.problems)
    return settings


def settings_from_pulumi() -> Settings:
    """Reads the running program's configuration (CLI or synth mocks alike)."""
    config = pulumi.Config()
    project = pulumi.get_project()
    return load_settings(
        project=project,
        stack=pulumi.get_stack(),
        raw=config.get,
        is_secret=lambda key: pulumi.runtime.is_config_secret(f"{project}:{key}"),
        region=pulumi.Config("aws").get("region"),
        as_secret=pulumi.Output.secret,
    )
