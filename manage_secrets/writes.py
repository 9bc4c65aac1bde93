"""What the writing commands change through Pulumi: the config behind a JSON key, a new rotation
token, the password handed to RDS under the manual scheme, and which scheme `rotate-db` is in."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from manage_secrets.errors import EXIT_USAGE, CliError
from manage_secrets.stack import CONFIG_FOR_KEY, NOT_SETTABLE
from stack_model.naming import StackNames


def rotation_token(given: str | None) -> str:
    return given or datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")


def update_value(plan, names: StackNames, key: str, value: str):
    if key in NOT_SETTABLE:
        raise CliError(EXIT_USAGE, f"{key} cannot be set: {NOT_SETTABLE[key]}")
    if key not in CONFIG_FOR_KEY:
        raise CliError(
            EXIT_USAGE,
            f"no JSON key {key!r}; settable keys: {', '.join(CONFIG_FOR_KEY)}",
        )
    config_key, secret = CONFIG_FOR_KEY[key]
    value = sys.stdin.read().rstrip("\n") if value == "-" else value
    if not value.strip():
        # An empty jwtSecretKey means "generate": it would replace an imported key silently.
        raise CliError(EXIT_USAGE, f"{key}: the value is empty; nothing was changed")
    from settings import problems_with

    problems = problems_with(config_key, value, secret)
    if problems:
        raise CliError(
            EXIT_USAGE,
            f"{key} -> {problems[0]}; the stack would refuse it, so nothing was changed",
        )
    return plan.config_set(config_key, value, secret)


def apply_password_to_rds(aws, names: StackNames, instance: str):
    def apply() -> str:
        password = aws.secret_json(names.db_credentials)["password"]
        rds = aws.client("rds")
        aws.call(
            lambda: rds.modify_db_instance(
                DBInstanceIdentifier=instance, MasterUserPassword=password, ApplyImmediately=True
            ),
            instance,
        )
        waiter = rds.get_waiter("db_instance_available")
        aws.call(
            lambda: waiter.wait(
                DBInstanceIdentifier=instance, WaiterConfig={"Delay": 15, "MaxAttempts": 80}
            ),
            instance,
        )
        return f"{instance} has the new password and is available"

    shown = (
        f"aws rds modify-db-instance --db-instance-identifier {instance} "
        "--master-user-password ******** --apply-immediately && "
        f"aws rds wait db-instance-available --db-instance-identifier {instance}"
    )
    return shown, apply


def secrets_manager_rotates(aws, names: StackNames, args: argparse.Namespace) -> bool:
    """Whether db-credentials is rotated by Secrets Manager (its rotation is configured)."""
    from manage_secrets.managed_rotation import rotation_state

    managed = rotation_state(aws, names.db_credentials).enabled
    if managed and (args.token or args.rds_instance):
        raise CliError(
            EXIT_USAGE,
            f"{names.db_credentials} is rotated by Secrets Manager: --token and --rds-instance "
            "belong to the manual scheme; run `rotate-db` alone",
        )
    return managed
