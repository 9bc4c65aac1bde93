"""What the database settings accept: the endpoint, the names, the engine."""

from __future__ import annotations

import re

from settings.declarations import POSTGRES_ENGINES, RDS_RESERVED_USERNAMES
from settings.model import DatabaseSettings
from settings.schema import Reader
from stack_model.aws_limits import POSTGRES_RESERVED_WORDS

# Every pattern here is used with fullmatch: `$` would let a trailing newline through.
DATABASE_IDENTIFIER_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
HOSTNAME_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOSTNAME_PATTERN = re.compile(rf"{HOSTNAME_LABEL}(\.{HOSTNAME_LABEL})*")


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
