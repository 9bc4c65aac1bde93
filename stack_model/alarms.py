"""The alarms of a stack's secrets, in one place: what each watches, what it costs, and the
first three things to check. The monitoring component writes the checks into each alarm's
description, and docs/monitoring.md's table is generated from the same entries
(`python -m tools.docs_tables --write`), so the runbook an operator reads in an alarm mail is
the one in the docs."""

from __future__ import annotations

from dataclasses import dataclass

RUNBOOK = "docs/monitoring.md"


@dataclass(frozen=True)
class Alarm:
    signal: str  # names the alarm: <app>-<stack>-secrets-<signal>
    # The custom metric a CloudTrail filter publishes; None for AWS's own usage metric.
    metric: str | None
    watches: str
    cost: str
    checks: tuple[str, str, str]
    # Alarms that need a CloudTrail log group (monitoringCloudTrailLogGroup or CreateTrail).
    needs_trail: bool = True
    # Alarms on the managed rotation's function (rotationManaged).
    needs_managed_rotation: bool = False
    # Whether the alarm existed when logical names were `<appName>-<stack>-...`, so has an
    # alias to that name (components/children.py).
    had_prefixed_name: bool = True

    def description(self) -> str:
        """The alarm's description in AWS (at most 1024 characters)."""
        checks = " ".join(f"{n}. {check}" for n, check in enumerate(self.checks, 1))
        return f"{self.watches} Check first: {checks} Runbook: {RUNBOOK}#{self.signal}"


RETRIEVAL_VOLUME = Alarm(
    "retrieval-volume",
    None,
    "More GetSecretValue calls in this account and region (AWS/Usage CallCount) in 5 minutes "
    "than monitoringRetrievalThreshold (default 10); AWS counts calls per account, not per "
    "secret.",
    "$0.10 (alarm; usage metrics are free)",
    (
        "ECS service events: tasks crash-looping (each start reads the secrets).",
        "CloudTrail GetSecretValue events: which principal calls, from where.",
        "A new client reading per request instead of caching.",
    ),
    needs_trail=False,
)
UNAUTHORIZED_ACCESS = Alarm(
    "unauthorized-access",
    "UnauthorizedAccess",
    "A Secrets Manager call naming this stack's secrets was denied (CloudTrail errorCode "
    "AccessDenied* or *UnauthorizedOperation; calls that name no secret count too).",
    "$0.10 alarm + $0.30 metric",
    (
        "The event's userIdentity.arn and sourceIPAddress.",
        "Whether that role should have a grant (secrets.grant_read) and lost it in a recent "
        "`pulumi up`.",
        "If nobody recognises the caller: treat it as an incident and rotate (docs/runbooks.md).",
    ),
)
FAILED_RETRIEVALS = Alarm(
    "failed-retrievals",
    "FailedRetrievals",
    "GetSecretValue on one of this stack's secrets failed (CloudTrail, any errorCode).",
    "$0.10 + $0.30",
    (
        "The errorCode: AccessDenied, ResourceNotFoundException, InvalidRequestException (a "
        "secret scheduled for deletion), KMS errors.",
        "`manage-secrets doctor` or `aws secretsmanager describe-secret` (deletion date, KMS key).",
        "The KMS key's state and the role's kms:Decrypt grant.",
    ),
)
ROTATION_FAILED = Alarm(
    "rotation-failed",
    "RotationFailed",
    "Secrets Manager reported a failed rotation of one of this stack's secrets (CloudTrail "
    "service event RotationFailed; the EventBridge rule <app>-<stack>-secrets-rotation-failed "
    "also sends it to the topic at once).",
    "$0.10 + $0.30 (EventBridge rules on AWS events are free)",
    (
        "The rotation function's CloudWatch logs.",
        "A version left with AWSPENDING (`aws secretsmanager list-secret-version-ids`).",
        "The network path and permissions from the rotation function to RDS.",
    ),
)

ROTATION_FUNCTION_ERRORS = Alarm(
    "rotation-function-errors",
    None,
    "The managed rotation's function (<app>-<stack>-db-rotation) ended an invocation with an "
    "error (AWS/Lambda Errors): a rotation step failed, or Secrets Manager's test of it did. "
    "Only with rotationManaged.",
    "$0.10 (alarm; Lambda metrics are free)",
    (
        "The function's logs (/aws/lambda/<app>-<stack>-db-rotation): which step failed.",
        "`manage-secrets doctor`: rotation enabled, last rotation, a version stuck in AWSPENDING.",
        "The network path: subnets reach RDS and the Secrets Manager endpoint; the database's "
        "security group lets the function in on the database port.",
    ),
    needs_trail=False,
    needs_managed_rotation=True,
    had_prefixed_name=False,
)

ALARMS = (
    RETRIEVAL_VOLUME,
    UNAUTHORIZED_ACCESS,
    FAILED_RETRIEVALS,
    ROTATION_FAILED,
    ROTATION_FUNCTION_ERRORS,
)
# Published for the dashboard only: a success is not an alarm.
ROTATION_SUCCEEDED_METRIC = "RotationSucceeded"
