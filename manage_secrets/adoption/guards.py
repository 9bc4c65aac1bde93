"""What adopt refuses: values the stack could not keep as they are, each with its exit code."""

from __future__ import annotations

from manage_secrets.adoption.discovery import Discovery
from manage_secrets.errors import EXIT_MISSING_KEYS, EXIT_UNKEEPABLE_VALUE, CliError
from stack_model.rotation_scheme import ManualToken
from stack_model.secret_shapes import database_url, rds_password_problem

# JSON key of a secret -> (config key, secret config), for the values the stack keeps.
KEPT = {
    "db": [
        ("password", "databasePassword", True),
        ("host", "databaseHost", False),
        ("port", "databasePort", False),
        ("dbname", "databaseName", False),
        ("username", "databaseUsername", False),
        ("engine", "databaseEngine", False),
    ],
    "app": [("jwt_secret_key", "jwtSecretKey", True)],
}
# app-secrets keys that repeat a db-credentials value: they must agree, or one of them is stale.
SAME_AS = {
    "database_password": "password",
    "database_host": "host",
    "database_name": "dbname",
    "database_username": "username",
}


def check_keepable(discovery: Discovery) -> list[str]:
    """Refuses what the stack could not keep as it is; returns the notes for the report."""
    from settings import problems_with

    app, db = discovery.secret("app"), discovery.secret("db")
    # Adoption keeps the manual scheme (config.sh sets rotationManaged false).
    shape = ManualToken().secret_keys()
    missing, notes = [], []
    for secret in (app, db):
        read = discovery.keys_read.get(secret.name, set())
        dropped = sorted(set(secret.values) - set(shape[secret.alias]))
        needed = [
            k
            for k in sorted(read | {k for k, _, _ in KEPT[secret.alias]})
            if k not in secret.values
        ]
        missing += [f"{secret.name}: {key}" for key in needed]
        if read & set(dropped):
            missing += [
                f"{secret.name}: {key} (read by the task, not written by the stack)"
                for key in sorted(read & set(dropped))
            ]
        notes += [
            f"{secret.name}: the stack adds `{k}`"
            for k in shape[secret.alias]
            if k not in secret.values
        ]
        notes += [
            f"{secret.name}: the stack drops `{k}` (no task reads it)"
            for k in dropped
            if k not in read
        ]
    if missing:
        raise CliError(
            EXIT_MISSING_KEYS,
            "the existing secrets lack keys the application needs: "
            + "; ".join(missing)
            + ": add them with the old tooling (or create the stack anew), then adopt again",
        )
    problems = []
    password = db.values["password"]
    if not isinstance(password, str) or rds_password_problem(password):
        reason = rds_password_problem(password) if isinstance(password, str) else "not a string"
        raise CliError(
            EXIT_UNKEEPABLE_VALUE,
            f"the existing database password cannot be kept ({reason}): rotate it first with the "
            "old tooling (RDS modify-db-instance, then the secrets), then adopt again; or adopt "
            "without it and rotate with `manage-secrets rotate-db --rds-instance ID`",
        )
    for secret in (app, db):
        for json_key, config_key, secret_config in KEPT[secret.alias]:
            value = secret.values[json_key]
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            problems += [
                f"{secret.name}.{json_key}: {p.accepted}"
                for p in problems_with(config_key, shown, secret_config)
            ]
    problems += [
        f"{app.name}.{app_key} differs from {db.name}.{db_key}"
        for app_key, db_key in SAME_AS.items()
        if app.values.get(app_key) != db.values.get(db_key)
    ]
    if problems:
        raise CliError(
            EXIT_UNKEEPABLE_VALUE,
            "existing values the stack cannot keep as they are: "
            + "; ".join(problems)
            + ": correct them with the old tooling, then adopt again",
        )
    url = database_url(
        db.values["username"], password, db.values["host"], db.values["port"], db.values["dbname"]
    )
    if not isinstance(db.values["port"], int) or isinstance(db.values["port"], bool):
        notes.append(f"{db.name}: `port` becomes a JSON number (it is stored as text)")
    if app.values.get("database_url") != url:
        notes.append(
            f"{app.name}: `database_url` is rewritten from its parts, user and password "
            "percent-encoded (the stored one differs)"
        )
    return notes
