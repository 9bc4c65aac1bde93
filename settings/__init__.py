"""The stack's typed settings: read once, validated in one place, before any resource exists.

Key names, types, defaults and accepted forms are declared once, in `settings.declarations`
(Pulumi.yaml's `config:` block is generated from it); `settings.rules`, `database_rules`,
`container_rules` and `rotation_rules` check what each accepts.
Every problem is collected, so one run reports all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from settings import rules
from settings.container_rules import container_settings
from settings.database_rules import database_settings
from settings.declarations import CONFIG_KEYS, MIN_IMPORTED_KEY_LENGTH, ConfigKey
from settings.model import (
    ContainerSettings,
    DatabaseSettings,
    MonitoringSettings,
    RotationSettings,
    SecretMapping,
    Settings,
)
from settings.rotation_rules import restart_services, rotation_settings
from settings.rules import monitoring_settings, rotation_token, tags
from settings.schema import ConfigError, ConfigProblem, Reader
from stack_model.secret_shapes import rds_password_problem

__all__ = [
    "CONFIG_KEYS",
    "ConfigError",
    "ConfigKey",
    "ConfigProblem",
    "ContainerSettings",
    "DatabaseSettings",
    "MonitoringSettings",
    "RotationSettings",
    "SecretMapping",
    "Settings",
    "load_settings",
    "problems_with",
]


def load_settings(
    project: str,
    stack: str,
    raw: Callable[[str], str | None],
    region: str | None,
    as_secret: Callable[[str], Any] = lambda value: value,
    is_secret: Callable[[str], bool] = lambda key: False,
    present: Iterable[str] = (),
) -> Settings:
    """Builds the settings from raw config strings (`raw(key)`), or raises ConfigError.

    `present` names every key of the project's namespace the stack has, so that undeclared ones
    (typos, the old dotted layout) are reported instead of silently ignored. `as_secret` wraps
    secret values as soon as they are read (the program passes `pulumi.Output.secret`), so no
    plain copy of them is kept.
    """
    reader = Reader(project, raw, is_secret)
    reader.undeclared(present)
    app_name = rules.name_prefix(reader, stack)
    region = rules.region(reader, region)

    database = database_settings(reader)
    rotation = rotation_settings(reader, database)
    jwt_bytes = reader.integer("jwtBytes")
    # The declared default is "" (the Pulumi CLI requires a value or a default): generate.
    imported = reader.value("jwtSecretKey") or None
    if imported is not None and (
        len(imported) < MIN_IMPORTED_KEY_LENGTH or not is_secret("jwtSecretKey")
    ):
        # Pulumi.yaml cannot make the CLI demand encryption of an optional key (see
        # tools/project_config.py), so the program does: a plaintext key in a stack file is refused.
        reader.problem("jwtSecretKey", imported)
    kept_password = reader.value("databasePassword") or None
    if kept_password is not None and (
        rds_password_problem(kept_password) or not is_secret("databasePassword")
    ):
        reader.problem("databasePassword", kept_password)

    protect = reader.value("protect")
    window = reader.value("recoveryWindowInDays")
    if window is not None and not (7 <= window <= 30 or (window == 0 and protect is False)):
        reader.problem("recoveryWindowInDays", window)

    monitoring = monitoring_settings(reader)
    settings = Settings(
        project=project,
        stack=stack,
        region=region,
        app_name=app_name,
        database=database,
        jwt_bytes=jwt_bytes,
        jwt_imported_key=None if imported is None else as_secret(imported),
        database_kept_password=None if kept_password is None else as_secret(kept_password),
        rotation_jwt=rotation_token(reader, "rotationJwt"),
        jwt_key_generation=reader.integer("jwtKeyGeneration"),
        rotation_database=rotation_token(reader, "rotationDatabase"),
        rotation=rotation,
        customer_managed_key=reader.value("kmsCustomerManagedKey"),
        secrets_administrator_role_arn=rules.administrator_role(reader),
        replica_regions=rules.replica_regions(reader, region),
        restart_services=restart_services(reader),
        recovery_window_in_days=window,
        protect=protect,
        extra_tags=tags(reader, monitoring.create_trail),
        container=container_settings(reader, rotation.scheme),
        monitoring=monitoring,
    )
    if reader.problems:
        raise ConfigError(project, reader.problems)
    return settings


# Stand-ins for the required keys when one other key is checked on its own.
_REQUIRED_STAND_INS = {
    "databaseHost": "db.example.com",
    "containerImage": "registry.example.com/a:1",
}


def problems_with(key: str, value: str, secret: bool = False) -> list[ConfigProblem]:
    """What the stack's validation says of one value set with `pulumi config set [--secret]`,
    before it is set (the operations CLI refuses what the next `pulumi up` would refuse)."""
    values = {**_REQUIRED_STAND_INS, key: value}
    try:
        load_settings(
            "programador-musical",
            "production",
            values.get,
            "us-east-1",
            is_secret=lambda name: secret and name == key,
            present=[key],
        )
    except ConfigError as error:
        return [problem for problem in error.problems if problem.key == key]
    return []
