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

from settings.config_key import ConfigKey
from settings.keys_secrets import SECRET_KEYS
from settings.keys_stack import STACK_KEYS
from settings.limits import (
    FARGATE_CPU_UNITS,
    LOG_RETENTION_DAYS,
    MIN_IMPORTED_KEY_LENGTH,
    POSTGRES_ENGINES,
    RDS_RESERVED_USERNAMES,
    RESERVED_TAG_KEYS,
)

CONFIG_KEYS: tuple[ConfigKey, ...] = (*SECRET_KEYS, *STACK_KEYS)

BY_NAME: dict[str, ConfigKey] = {key.name: key for key in CONFIG_KEYS}
# The dotted layout the first version of this project used -> today's key.
LEGACY_NAMES: dict[str, str] = {k.legacy_name: k.name for k in CONFIG_KEYS if k.legacy_name}


def declared(name: str) -> ConfigKey:
    return BY_NAME[name]


__all__ = [
    "BY_NAME",
    "CONFIG_KEYS",
    "FARGATE_CPU_UNITS",
    "LEGACY_NAMES",
    "LOG_RETENTION_DAYS",
    "MIN_IMPORTED_KEY_LENGTH",
    "POSTGRES_ENGINES",
    "RDS_RESERVED_USERNAMES",
    "RESERVED_TAG_KEYS",
    "ConfigKey",
    "declared",
]
