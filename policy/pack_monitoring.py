"""Monitoring: the secrets' alarms exist and notify someone."""

from __future__ import annotations

from pack_support import METRIC_ALARM, UNKNOWN, called, known
from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy


def _watches_secret_retrievals(alarm) -> bool:
    """An alarm on AWS/Usage CallCount of Secrets Manager's GetSecretValue: recognised by what it
    watches, not by its name, so the pack needs no copy of the stack's naming rule."""
    dimensions = alarm.props.get("dimensions") or {}
    return (
        alarm.props.get("namespace") == "AWS/Usage"
        and alarm.props.get("metricName") == "CallCount"
        and dimensions.get("Service") == "Secrets Manager"
        and dimensions.get("Resource") == "GetSecretValue"
    )


def _alarms_present(args: StackValidationArgs, report: ReportViolation) -> None:
    alarms = [r for r in args.resources if r.resource_type == METRIC_ALARM]
    if not any(_watches_secret_retrievals(alarm) for alarm in alarms):
        report("the secrets monitoring alarms are missing: compose SecretsMonitoring in the stack")
    for alarm in alarms:
        actions = known(alarm.props, "alarmActions")  # a topic being made: not known yet
        if actions is not UNKNOWN and not (actions and len(actions)):
            report(
                f"alarm {called(alarm)} notifies nobody: give it the alarm topic as alarm_actions",
                alarm.urn,
            )


POLICIES = [
    StackValidationPolicy(
        name="monitoring-alarms-present",
        description="The secrets alarms exist and each notifies someone.",
        validate=_alarms_present,
    ),
]
