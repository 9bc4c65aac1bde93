"""`doctor`'s checks of the managed rotation of db-credentials: rotation enabled, the function
there and invocable by Secrets Manager, the last rotation finished, no version stuck."""

from __future__ import annotations

import json

from manage_secrets.doctor.checklist import Checklist
from manage_secrets.errors import CliError
from manage_secrets.managed_rotation import RotationState, stuck_message
from stack_model.iam_policy import wildcard_match
from stack_model.rotation_scheme import scheme_of_shape

SECRETS_MANAGER = "secretsmanager.amazonaws.com"


def _invokable_by_secrets_manager(policy: dict) -> bool:
    """Whether the function's resource policy allows Secrets Manager to invoke it. Conditions
    are not evaluated: the application's template scopes its permission to this account at most,
    which Secrets Manager of this account meets."""
    for statement in policy.get("Statement", []):
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if (
            statement.get("Effect") == "Allow"
            and SECRETS_MANAGER in services
            and any(wildcard_match(a, "lambda:InvokeFunction", False) for a in actions)
        ):
            return True
    return False


def check_rotation(checklist: Checklist) -> None:
    names, aws = checklist.names, checklist.aws
    secret = names.db_credentials
    if secret not in checklist.described:
        return  # its absence is already a failure
    state = RotationState.of(checklist.described[secret])
    if not state.enabled:
        # The scheme the value was written for says whether Secrets Manager should rotate it.
        scheme = scheme_of_shape(_current_keys(checklist, secret))
        checklist.record(
            f"{secret} rotation matches its shape",
            not scheme.rotated_by_secrets_manager,
            f"the {scheme.name} scheme's shape (masterarn) but no rotation configured"
            if scheme.rotated_by_secrets_manager
            else "manual scheme (rotationManaged false): rotate with `rotate-db --token`",
            "run `pulumi up`: the stack configures the rotation with rotationManaged=true",
        )
        return
    function = state.function_arn or names.rotation_function
    checklist.record(f"{secret} is rotated by Secrets Manager", True, function)
    lambda_client = aws.client("lambda")
    exists = checklist.attempt(
        f"rotation function {names.rotation_function} exists",
        lambda: aws.call(lambda: lambda_client.get_function(FunctionName=function), function)[
            "Configuration"
        ]["FunctionArn"],
        "run `pulumi up`: the stack deploys AWS's rotation application",
    )
    if exists:
        try:
            policy = json.loads(
                aws.call(lambda: lambda_client.get_policy(FunctionName=function), function)[
                    "Policy"
                ]
            )
        except CliError:
            policy = {}
        checklist.record(
            f"Secrets Manager may invoke {names.rotation_function}",
            _invokable_by_secrets_manager(policy),
            "" if policy else "the function has no resource policy",
            "the rotation application's template adds the permission: `pulumi up` again, or "
            "`aws lambda add-permission --principal secretsmanager.amazonaws.com "
            "--action lambda:InvokeFunction`",
        )
    checklist.record(
        f"no version of {secret} is stuck in AWSPENDING",
        not state.pending,
        stuck_message(secret, state, names.rotation_function) if state.pending else "",
        f"read /aws/lambda/{names.rotation_function}; after fixing, `manage-secrets rotate-db`",
    )
    if state.last_rotated is None:
        checklist.warn(
            f"{secret} has been rotated once",
            "not yet: the first rotation waits for the schedule",
            "`manage-secrets rotate-db` proves the whole path now (bootstrap the first user "
            "before: docs/rotation.md)",
        )
    elif not state.pending:
        checklist.record(f"the last rotation of {secret} finished", True, f"{state.last_rotated}")


def _current_keys(checklist: Checklist, secret: str) -> set[str]:
    try:
        return set(checklist.aws.secret_json(secret))
    except CliError:
        return set()


def check_sign_in(checklist: Checklist) -> None:
    """db-credentials' current version signs in, over TLS verified as the host it names."""
    from manage_secrets.database import can_sign_in

    secret = checklist.names.db_credentials
    tls, address = checklist.database

    def signs_in() -> str:
        current = checklist.aws.secret_json(secret)
        if not can_sign_in(current, tls, address):
            raise CliError(1, f"the database refuses {current.get('username')}'s password")
        return f"{current.get('username')} signs in to {current.get('dbname')}"

    checklist.attempt(
        f"{secret}'s current credentials sign in",
        signs_in,
        "before the first rotation: `manage-secrets bootstrap-db-user`; after one: read "
        f"/aws/lambda/{checklist.names.rotation_function} (setSecret or testSecret failed)",
    )
