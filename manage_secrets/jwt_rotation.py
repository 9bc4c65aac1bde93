"""`rotate-jwt`: the next generation of the JWT key set (stack_model/jwt_key_set.py), only once
every task accepts its signing key, then the redeployment that gives every task the new set.

Generation N+1 signs with K(N+1), the next key of generation N's set. A task accepts it only if
it read that set: one that started before the current app-secrets version holds an older set,
and would reject every token the new tasks sign (its users are logged out). So before rotating,
every running task of the services the stack redeploys (rotationRestartServices) must have
started after the current version was written; after `pulumi up` (which starts the
redeployment, components/restart_on_change.py), the CLI waits until every task has started
after the new one. An emergency rotation replaces every key and logs everyone out on purpose:
it does not wait before, only after.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime

from manage_secrets.errors import EXIT_KEY_SET_NOT_READ, EXIT_REDEPLOYMENT_INCOMPLETE, CliError
from manage_secrets.task_age import redeployed_services, task_start_times
from stack_model.jwt_key_set import EMERGENCY_STEP, ROTATION_STEP
from stack_model.naming import StackNames

POLL_SECONDS = 5.0


def next_generation(plan, emergency: bool) -> None:
    """jwtKeyGeneration + 1 (one slot regenerated; every session kept), or + 3 after a leak
    (every slot regenerated; every session ends)."""
    text = plan.config_get("jwtKeyGeneration")
    current = int(text) if text else 0
    target = current + (EMERGENCY_STEP if emergency else ROTATION_STEP)
    plan.config_set("jwtKeyGeneration", str(target))
    if target >= 2:
        # An imported key is generation 0's: the set of generation 2 no longer holds it.
        plan.config_rm("jwtSecretKey")


def current_version_written(aws, names: StackNames) -> datetime:
    """When the current app-secrets version was written."""
    client = aws.client("secretsmanager")
    listed = aws.call(
        lambda: client.list_secret_version_ids(SecretId=names.app_secrets), names.app_secrets
    )
    for version in listed.get("Versions", []):
        if "AWSCURRENT" in version.get("VersionStages", []):
            return version["CreatedDate"]
    raise CliError(
        EXIT_KEY_SET_NOT_READ, f"{names.app_secrets} has no AWSCURRENT version: run `pulumi up`"
    )


def _older(aws, services: list[str], written: datetime) -> dict[str, tuple[int, int]]:
    """Per service, (tasks that started before `written`, all tasks), where any did."""
    found = {}
    for service in services:
        started = task_start_times(aws, service) or []
        older = sum(1 for at in started if at is not None and at < written)
        if older:
            found[service] = (older, len(started))
    return found


def _wait_command(service: str) -> str:
    cluster, name = service.split("/", 1)
    return f"aws ecs wait services-stable --cluster {cluster} --services {name}"


def check_before(aws, names: StackNames) -> list[str] | None:
    """Refuses (exit 24) while a task holds a set older than the current one; the services to
    follow afterwards (None: the stack redeploys none, and a warning says so)."""
    services = redeployed_services(aws, names)
    if services is None:
        print(
            "manage_secrets: warning: nothing redeploys the services after a key rotation "
            "(rotationRestartServices): a task that started before the current key set rejects "
            "tokens signed with its next key; redeploy them after this rotation, and before the "
            "next one",
            file=sys.stderr,
        )
        return None
    written = current_version_written(aws, names)
    older = _older(aws, services, written)
    if older:
        service, (count, total) = next(iter(older.items()))
        raise CliError(
            EXIT_KEY_SET_NOT_READ,
            f"{count} of {total} task(s) of {service} started before the current key set "
            f"({written:%Y-%m-%d %H:%M}) and would reject the tokens the next key signs, logging "
            f"their users out: nothing was changed; let the redeployment finish "
            f"(`{_wait_command(service)}`) and run rotate-jwt again",
        )
    return services


def follow_redeployment(
    aws,
    names: StackNames,
    services: list[str],
    wait_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Waits until every task of the services started after the new key set was written."""
    written = current_version_written(aws, names)
    deadline = clock() + wait_seconds
    while True:
        older = _older(aws, services, written)
        if not older:
            return (
                f"every task of {', '.join(services)} started after the new key set "
                f"({written:%Y-%m-%d %H:%M}): the next rotation can follow"
            )
        if clock() >= deadline:
            service, (count, total) = next(iter(older.items()))
            raise CliError(
                EXIT_REDEPLOYMENT_INCOMPLETE,
                f"the new key set is written, but after {wait_seconds:g} s {count} of {total} "
                f"task(s) of {service} still hold the one before (they accept both, nobody is "
                f"logged out): `{_wait_command(service)}`; rotate-jwt refuses until they are "
                "replaced",
            )
        sleep(POLL_SECONDS)
