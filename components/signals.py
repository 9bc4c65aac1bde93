"""The AWS signals the alarms watch, as CloudWatch Logs filter and EventBridge patterns.

Secrets Manager publishes no per-secret CloudWatch metrics (the old guide's
`AWS/SecretsManager SecretRetrievals` and `RotationFailed` do not exist). What AWS does emit:
- CloudTrail records every Secrets Manager API call (with `errorCode` when it failed) and the
  service events `RotationSucceeded` / `RotationFailed` (eventType `AwsServiceEvent`, the secret
  ARN in `additionalEventData.SecretId`);
- EventBridge receives those service events as "AWS Service Event via CloudTrail";
- CloudWatch usage metrics count API calls per account (`AWS/Usage` `CallCount`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

EVENT_SOURCE = "secretsmanager.amazonaws.com"
METRIC_NAMESPACE = "ProgramadorMusical/Secrets"
PERIOD_SECONDS = 300

# API call counts per account, published every minute by CloudWatch usage metrics:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Usage-Metrics.html
# Secrets Manager's values (Service "Secrets Manager", Type "API", Class "None", Resource = the
# API name) are listed in https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudwatch.html
RETRIEVAL_DIMENSIONS = {
    "Service": "Secrets Manager",
    "Type": "API",
    "Resource": "GetSecretValue",
    "Class": "None",
}
# botocore logs model: FilterPattern max length.
FILTER_PATTERN_MAX_LENGTH = 1024


def _either(field: str, values: Sequence[str]) -> str:
    return "(" + " || ".join(f'($.{field} = "{value}")' for value in values) + ")"


def _all(*clauses: str) -> str:
    return "{ " + " && ".join(clauses) + " }"


def secret_id_values(names: Sequence[str], arns: Sequence[str]) -> list[str]:
    """What a caller may pass as SecretId for these secrets: the name, or the ARN (full, or
    partial without the 6-character suffix), matched with one trailing wildcard."""
    return [*names, *(arn.rsplit("-", 1)[0] + "*" for arn in arns)]


def unauthorized_access_pattern(names: Sequence[str], arns: Sequence[str]) -> str:
    """Access denied on one of these secrets; an event that names no secret (ListSecrets, or a
    denial recorded without request parameters) cannot be attributed, so it counts too."""
    named = _either("requestParameters.secretId", secret_id_values(names, arns))
    return _all(
        f'($.eventSource = "{EVENT_SOURCE}")',
        _either("errorCode", ["AccessDenied*", "*UnauthorizedOperation"]),
        f"(($.requestParameters.secretId NOT EXISTS) || {named})",
    )


def failed_retrievals_pattern(names: Sequence[str], arns: Sequence[str]) -> str:
    return _all(
        f'($.eventSource = "{EVENT_SOURCE}")',
        '($.eventName = "GetSecretValue")',
        '($.errorCode = "*")',
        _either("requestParameters.secretId", secret_id_values(names, arns)),
    )


def rotation_event_pattern(event_name: str, arns: Sequence[str]) -> str:
    return _all(
        f'($.eventSource = "{EVENT_SOURCE}")',
        f'($.eventName = "{event_name}")',
        _either("additionalEventData.SecretId", arns),
    )


def rotation_event_rule(event_name: str, arns: Sequence[str]) -> str:
    """EventBridge's pattern for a rotation service event of these secrets."""
    return json.dumps(
        {
            "source": ["aws.secretsmanager"],
            "detail-type": ["AWS Service Event via CloudTrail"],
            "detail": {
                "eventSource": [EVENT_SOURCE],
                "eventName": [event_name],
                "additionalEventData": {"SecretId": list(arns)},
            },
        }
    )


def rotation_failed_event_rule(arns: Sequence[str]) -> str:
    return rotation_event_rule("RotationFailed", arns)
