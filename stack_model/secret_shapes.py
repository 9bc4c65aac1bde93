"""Facts about the generated credentials, shared by the secrets component and its tests."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from stack_model.jwt_key_set import GENERATION_KEY, JWT_KEYS

# RDS PostgreSQL rejects "/", "@", '"' and spaces in a master password; "'" and "\" break naive
# quoting, and ":" a .pgpass line or a hand-built URL: the first password leaves out what the
# rotation function leaves out of every later one (stack_model/rotation.py).
PASSWORD_SPECIAL_CHARACTERS = "!#$%&*()-_=+[]{}<>?"
RDS_FORBIDDEN_PASSWORD_CHARACTERS = frozenset('/@" ')
# What RDS for PostgreSQL accepts as a master password: 8 to 128 printable ASCII characters
# other than the forbidden ones (CreateDBInstance, MasterUserPassword).
RDS_PASSWORD_LENGTH = (8, 128)


def rds_password_problem(password: str) -> str | None:
    """Why RDS would refuse `password` as a master password, without repeating it; None if fine."""
    low, high = RDS_PASSWORD_LENGTH
    if not low <= len(password) <= high:
        return f"it has {len(password)} characters, RDS wants {low} to {high}"
    if any(not (" " < character <= "~") for character in password):
        return "it has a character outside printable ASCII"
    if RDS_FORBIDDEN_PASSWORD_CHARACTERS & set(password):
        return 'it contains / @ " or a space, which RDS refuses'
    return None


APP_SECRETS_DESCRIPTION = (
    "JWT signing keys of the application (with manual rotation, its database settings too)"
)
DB_CREDENTIALS_DESCRIPTION = "Database credentials in the shape AWS's RDS rotation functions expect"

# The operations guide's app-secrets: the JWT key plus copies of the database credentials.
GUIDE_APP_SECRET_KEYS = (
    "jwt_secret_key",
    "database_url",
    "database_host",
    "database_name",
    "database_username",
    "database_password",
)
# The JWT key set (stack_model/jwt_key_set.py): the signing key is the guide's
# `jwt_secret_key`; the previous and next keys, which the app also accepts, and the generation
# that signs come after it.
JWT_KEY_SET_KEYS = (*JWT_KEYS, GENERATION_KEY)
# The shape AWS's RDS rotation functions read; keep it as it is. Which keys each secret holds
# under each rotation scheme: stack_model/rotation_scheme.py.
DB_CREDENTIAL_KEYS = ("username", "password", "engine", "host", "port", "dbname")


def database_url(username: str, password: str, host: str, port: int, dbname: str) -> str:
    """A libpq/SQLAlchemy URL whose user and password survive any character by percent-encoding."""
    return (
        f"postgresql://{quote(username, safe='')}:{quote(password, safe='')}"
        f"@{host}:{port}/{quote(dbname, safe='')}"
    )


class Database(Protocol):
    """Where the secrets point: what settings.model.DatabaseSettings holds."""

    host: str
    port: int
    name: str
    username: str
    engine: str


def db_credential_values(database: Database, password: Any) -> dict:
    """The JSON object of `<prefix>-db-credentials` in the shape RDS rotation functions read
    (a rotation scheme may add to it)."""
    values = (
        database.username,
        password,
        database.engine,
        database.host,
        database.port,
        database.name,
    )
    return dict(zip(DB_CREDENTIAL_KEYS, values, strict=True))
