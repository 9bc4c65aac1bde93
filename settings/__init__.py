"""The stack's typed settings: read once, validated in one place, before any resource exists.

Key names, types, descriptions and defaults live in Pulumi.yaml (its `config:` block);
`settings.rules` adds what each accepts. Every problem is collected, so one run reports all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from settings.model import (
    ContainerSettings,
    DatabaseSettings,
    MonitoringSettings,
    SecretMapping,
    Settings,
)
from settings.rules import (
    NAME_PREFIX_PATTERN,
    container_settings,
    database_settings,
    monitoring_settings,
    rotation_token,
    tags,
)
from settings.schema import ConfigError, ConfigProblem, Reader, config_schema

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "ContainerSettings",
    "DatabaseSettings",
    "MonitoringSettings",
    "SecretMapping",
    "Settings",
    "config_schema",
    "load_settings",
    "settings_from_pulumi",
]


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
    reader = Reader(project, raw, is_secret)
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

    database = database_settings(reader)
    jwt_bytes = reader.integer("jwt.bytes", 32, 256)
    # The declared default is "" (the Pulumi CLI requires a value or a default): generate.
    imported = reader.raw("jwt.secretKey") or None
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
        rotation_jwt=rotation_token(reader, "rotation.jwt"),
        rotation_database=rotation_token(reader, "rotation.database"),
        customer_managed_key=reader.value("kms.customerManagedKey"),
        recovery_window_in_days=window,
        protect=protect,
        extra_tags=tags(reader),
        container=container_settings(reader),
        monitoring=monitoring_settings(reader),
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
