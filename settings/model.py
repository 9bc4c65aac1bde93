"""The typed settings the program composes the stack from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stack_model.naming import StackNames
from stack_model.rotation_scheme import ManualToken, RotationScheme


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
    key: str | None  # None: the whole JSON of the secret, read in one call


@dataclass(frozen=True)
class RotationSettings:
    """How db-credentials rotates (the scheme), and what Secrets Manager's rotation needs."""

    scheme: RotationScheme
    schedule: str | None
    master_secret_arn: str | None
    master_secret_kms_key_arn: str | None
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]

    @classmethod
    def manual(cls) -> RotationSettings:
        """No managed rotation: the password changes with rotationDatabase and `pulumi up`."""
        return cls(ManualToken(), None, None, None, (), ())


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
    trail_archive_after_days: int
    trail_expire_after_days: int
    trail_object_lock_days: int


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
    # An existing database password kept instead of a generated one (secret from the start).
    database_kept_password: Any | None
    rotation_jwt: str
    jwt_key_generation: int
    rotation_database: str
    rotation: RotationSettings
    customer_managed_key: bool
    # Regions with a replica of both secrets.
    replica_regions: tuple[str, ...]
    # ECS services (`cluster/service`) redeployed after each rotation.
    restart_services: tuple[str, ...]
    # The role that keeps full access when each secret's resource policy denies everyone else.
    secrets_administrator_role_arn: str | None
    recovery_window_in_days: int
    protect: bool
    extra_tags: Mapping[str, str]
    container: ContainerSettings
    monitoring: MonitoringSettings

    @property
    def name_prefix(self) -> str:
        return self.names.prefix

    @property
    def names(self) -> StackNames:
        return StackNames(self.app_name, self.stack)

    @property
    def tags(self) -> dict[str, str]:
        return {
            "Project": self.app_name,
            "Environment": self.stack,
            "ManagedBy": "pulumi",
            **self.extra_tags,
        }
