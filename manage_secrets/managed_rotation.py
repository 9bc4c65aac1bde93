"""`rotate-db` under managed rotation: Secrets Manager rotates now (RotateSecret) and the CLI
follows the versions until the new one is AWSCURRENT.

The rotation function's four steps are seen from outside through the version stages:
createSecret puts the new version in AWSPENDING; setSecret and testSecret change and check the
inactive user's password; finishSecret moves AWSCURRENT to the new version (only after testSecret
passed). The CLI reports each stage it sees, and a version left in AWSPENDING as stuck.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from manage_secrets.errors import EXIT_ROTATION_INCOMPLETE, EXIT_ROTATION_STUCK, CliError

# A rotation that goes through is over in seconds; one that fails keeps retrying for minutes.
# Ask again soon at first, then every POLL_SECONDS.
FIRST_POLL_SECONDS = 0.25
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class RotationState:
    enabled: bool
    function_arn: str | None
    current: str | None
    # Versions labelled AWSPENDING but not AWSCURRENT: a rotation running, or one that failed.
    pending: tuple[str, ...]
    last_rotated: object | None

    @classmethod
    def of(cls, described: dict) -> RotationState:
        """From a DescribeSecret answer."""
        stages = described.get("VersionIdsToStages", {})
        return cls(
            enabled=bool(described.get("RotationEnabled")),
            function_arn=described.get("RotationLambdaARN"),
            current=next((v for v, s in stages.items() if "AWSCURRENT" in s), None),
            pending=tuple(
                v for v, s in stages.items() if "AWSPENDING" in s and "AWSCURRENT" not in s
            ),
            last_rotated=described.get("LastRotatedDate"),
        )


def rotation_state(aws, secret_id: str) -> RotationState:
    secrets = aws.client("secretsmanager")
    return RotationState.of(
        aws.call(lambda: secrets.describe_secret(SecretId=secret_id), secret_id)
    )


def stuck_message(secret_id: str, state: RotationState, function: str) -> str:
    return (
        f"{secret_id}: version {state.pending[0]} is still AWSPENDING: a rotation is running or "
        f"failed; read the logs of {function} (/aws/lambda/{function}), fix the cause, then rerun "
        "`rotate-db` (Secrets Manager retries the same version)"
    )


def rotate_now(
    aws,
    secret_id: str,
    function: str,
    wait_seconds: float,
    out: Callable[[str], None] = print,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Asks Secrets Manager to rotate `secret_id` now and reports each step it can see."""
    before = rotation_state(aws, secret_id)
    if not before.enabled:
        raise CliError(
            EXIT_ROTATION_STUCK,
            f"{secret_id} has no rotation configured: run `pulumi up` with rotationManaged=true "
            "first, or rotate with a token under the manual scheme",
        )
    if before.pending:
        raise CliError(EXIT_ROTATION_STUCK, stuck_message(secret_id, before, function))
    secrets = aws.client("secretsmanager")
    out(f"$ aws secretsmanager rotate-secret --secret-id {secret_id}")
    version = aws.call(lambda: secrets.rotate_secret(SecretId=secret_id), secret_id)["VersionId"]
    out(f"requested: new version {version} (AWSCURRENT is {before.current})")
    deadline = clock() + wait_seconds
    seen_pending = False
    delay = FIRST_POLL_SECONDS
    while True:
        state = rotation_state(aws, secret_id)
        if state.current == version:
            if not seen_pending:
                out(f"createSecret: version {version} was made (AWSPENDING)")
            out("setSecret, testSecret: the inactive user has the new password, and it signs in")
            out(f"finishSecret: AWSCURRENT is version {version}; the previous user stays valid")
            return f"{secret_id}: rotated; tasks started from now on use version {version}"
        if version in state.pending and not seen_pending:
            seen_pending = True
            out(f"createSecret: version {version} is AWSPENDING; waiting for finishSecret")
        if clock() >= deadline:
            raise CliError(
                EXIT_ROTATION_INCOMPLETE,
                f"{secret_id}: version {version} is not AWSCURRENT after {wait_seconds:.0f} s: "
                f"nothing changed for running tasks; read /aws/lambda/{function} and rerun "
                "`manage-secrets doctor`",
            )
        sleep(delay)
        delay = min(delay * 2, POLL_SECONDS)
