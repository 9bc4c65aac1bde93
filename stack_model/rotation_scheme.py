"""How db-credentials' password changes, and everything that follows from it: one object per
scheme (as AWS CDK's `HostedRotation.postgreSqlMultiUser()` is one), asked by the layers instead
of a boolean threaded through them. A scheme owns the JSON keys of both secrets and their
values, the container's default mappings and the keys it must read together, what the stack
ignores of db-credentials' version, which outputs it exports, and what doctor expects to find.

`rotationManaged` picks one (settings/rules.py, `scheme_for`); a new scheme, or retiring the
manual one, is a class here and its tests.
"""

from __future__ import annotations

from typing import Any, ClassVar

from stack_model.jwt_key_set import JWT_KEYS, KeySet
from stack_model.secret_shapes import (
    DB_CREDENTIAL_KEYS,
    GUIDE_APP_SECRET_KEYS,
    JWT_KEY_SET_KEYS,
    Database,
    db_credential_values,
)

# A container reads the JWT key set in one entry, APP_SECRETS (the whole app-secrets JSON): ECS
# reads each `valueFrom` with its own GetSecretValue, so keys that change together are read in
# one call (docs/rotation.md).
KEY_SET_CONTAINER_SECRET = ("APP_SECRETS", "app", None)


class RotationScheme:
    name: ClassVar[str]
    # rotationManaged's value that picks it.
    config_value: ClassVar[bool]
    app_secret_keys: ClassVar[tuple[str, ...]]
    db_credential_keys: ClassVar[tuple[str, ...]]
    # Variable, secret ("app" or "db"), JSON key (None: the whole JSON), always mapped.
    container_secrets: ClassVar[tuple[tuple[str, str, str | None], ...]]
    # Per secret, keys a container must not read as entries of their own.
    read_together: ClassVar[dict[str, tuple[str, ...]]]
    # What `pulumi up` leaves alone in db-credentials' version once written.
    db_version_ignore_changes: ClassVar[tuple[str, ...]]
    # Whether Secrets Manager rotates db-credentials with AWS's function: the function, its
    # schedule, its alarm, the fields kept current in the rotated value, the redeployment after
    # each rotation. Doctor expects the secret's rotation on exactly then.
    rotated_by_secrets_manager: ClassVar[bool]
    # Whether the stack exports the password (databasePassword): a copy of a rotated one goes
    # stale.
    exports_password: ClassVar[bool]
    # What `pulumi preview` warns about a stack that runs it, if anything.
    warning: ClassVar[str | None] = None
    # The fields of db-credentials that config still decides once Secrets Manager owns the
    # value: the stack merges them into the current version (components/credential_fields.py).
    configured_fields: ClassVar[tuple[str, ...]] = ()

    def app_secret_values(
        self, key_set: KeySet, url: Any, database: Database, password: Any
    ) -> dict:
        raise NotImplementedError

    def db_credential_values(
        self, database: Database, password: Any, master_secret_arn: str | None
    ) -> dict:
        raise NotImplementedError

    def secret_keys(self) -> dict[str, tuple[str, ...]]:
        """How config and container mappings name the two secrets, and the JSON keys of each."""
        return {"app": self.app_secret_keys, "db": self.db_credential_keys}

    def entry_problem(self, secret: str, key: str) -> str | None:
        """Why a container may not read `key` of `secret` as an entry of its own, if it may not."""
        if key not in self.read_together.get(secret, ()):
            return None
        if secret == "app":
            return (
                "no app:jwt_secret_key* entries: ECS reads each entry separately, so a key "
                "rotation between the reads can hand a task keys of two generations; read the "
                "key set from APP_SECRETS (one JSON document)"
            )
        return (
            "no db:username or db:password under managed rotation: ECS reads each entry "
            "separately, so a rotation between the reads can pair one user with the other's "
            "password; read both from DATABASE_CREDENTIALS (one JSON document)"
        )


class AlternatingUsers(RotationScheme):
    """Secrets Manager rotates db-credentials on a schedule with AWS's alternating-users function
    (production). app-secrets holds nothing it rotates: a copy would go stale."""

    name = "alternating-users"
    config_value = True
    app_secret_keys = JWT_KEY_SET_KEYS
    # The shape AWS's RDS rotation functions read, and the master secret the function signs in
    # with.
    db_credential_keys = (*DB_CREDENTIAL_KEYS, "masterarn")
    container_secrets = (KEY_SET_CONTAINER_SECRET, ("DATABASE_CREDENTIALS", "db", None))
    read_together = {"app": JWT_KEYS, "db": ("username", "password")}
    db_version_ignore_changes = ("secretString",)
    rotated_by_secrets_manager = True
    exports_password = False
    configured_fields = ("engine", "host", "port", "dbname", "masterarn")

    def app_secret_values(self, key_set, url, database, password) -> dict:
        fields = key_set.json_fields()
        return {key: fields[key] for key in self.app_secret_keys}

    def db_credential_values(self, database, password, master_secret_arn) -> dict:
        return {**db_credential_values(database, password), "masterarn": master_secret_arn}


class ManualToken(RotationScheme):
    """The password changes with a token (rotationDatabase) and `pulumi up`, then on RDS
    (staging): the operations guide's app-secrets, with its copies of the database settings."""

    name = "manual"
    config_value = False
    app_secret_keys = (*GUIDE_APP_SECRET_KEYS, *JWT_KEY_SET_KEYS[1:])
    db_credential_keys = DB_CREDENTIAL_KEYS
    container_secrets = (
        KEY_SET_CONTAINER_SECRET,
        ("DATABASE_PASSWORD", "app", "database_password"),
    )
    read_together = {"app": JWT_KEYS}
    db_version_ignore_changes = ()
    rotated_by_secrets_manager = False
    exports_password = True
    warning = (
        "rotated by hand (rotationManaged=false): between `pulumi up` and the password change on "
        "RDS, starting tasks read a password RDS refuses; production rotates with Secrets "
        "Manager (docs/rotation.md)"
    )

    def app_secret_values(self, key_set, url, database, password) -> dict:
        guide = (url, database.host, database.name, database.username, password)
        values = {
            **key_set.json_fields(),
            **dict(zip(GUIDE_APP_SECRET_KEYS[1:], guide, strict=True)),
        }
        return {key: values[key] for key in self.app_secret_keys}

    def db_credential_values(self, database, password, master_secret_arn) -> dict:
        return db_credential_values(database, password)


SCHEMES: tuple[RotationScheme, ...] = (AlternatingUsers(), ManualToken())


def scheme_for(rotation_managed: bool) -> RotationScheme:
    """The scheme `rotationManaged` picks."""
    (scheme,) = [s for s in SCHEMES if s.config_value == rotation_managed]
    return scheme


def scheme_of_shape(db_credential_keys: set[str]) -> RotationScheme:
    """The scheme a deployed db-credentials was written for, by its keys (doctor compares it with
    what Secrets Manager has configured)."""
    for scheme in SCHEMES:
        if set(scheme.db_credential_keys) <= db_credential_keys:
            return scheme
    return SCHEMES[-1]
