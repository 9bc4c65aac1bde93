"""The alarms of the monitoring component and the CloudTrail metric filters that feed them."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import signals
from components.children import Children
from components.secrets import ApplicationSecrets
from stack_model.alarms import (
    FAILED_RETRIEVALS,
    RETRIEVAL_VOLUME,
    ROTATION_FAILED,
    ROTATION_FUNCTION_ERRORS,
    ROTATION_SUCCEEDED_METRIC,
    UNAUTHORIZED_ACCESS,
    Alarm,
)
from stack_model.logical_names import alarm_part, filter_part
from stack_model.naming import StackNames

# The CloudTrail filter pattern of each trail-fed metric, from (secret names, secret ARNs), and
# the alarm on it (a rotation success is published for the dashboard, not alarmed on).
TRAIL_METRICS = (
    (UNAUTHORIZED_ACCESS.metric, UNAUTHORIZED_ACCESS, signals.unauthorized_access_pattern),
    (FAILED_RETRIEVALS.metric, FAILED_RETRIEVALS, signals.failed_retrievals_pattern),
    (
        ROTATION_FAILED.metric,
        ROTATION_FAILED,
        lambda _, arns: signals.rotation_event_pattern("RotationFailed", arns),
    ),
    (
        ROTATION_SUCCEEDED_METRIC,
        None,
        lambda _, arns: signals.rotation_event_pattern("RotationSucceeded", arns),
    ),
)


class StackAlarms:
    """Declares alarms as children of the monitoring component, each notifying the topic on
    ALARM and OK, with the runbook of stack_model/alarms.py as its description."""

    def __init__(
        self,
        children: Children,
        names: StackNames,
        topic: aws.sns.Topic,
        tags: Mapping[str, str],
        region: str | None = None,
    ):
        """`region`: a replica region, whose alarms notify that region's topic (CloudWatch alarm
        actions stay in their region); None for the stack's own."""
        self._children, self._names, self._topic, self._tags = children, names, topic, tags
        self._region = region

    def retrieval_volume(self, threshold: int) -> aws.cloudwatch.MetricAlarm:
        return self._alarm(
            RETRIEVAL_VOLUME,
            namespace="AWS/Usage",
            metric="CallCount",
            dimensions=signals.RETRIEVAL_DIMENSIONS,
            threshold=threshold,
            comparison="GreaterThanThreshold",
        )

    def rotation_function_errors(self, function_name: str) -> aws.cloudwatch.MetricAlarm:
        return self._alarm(
            ROTATION_FUNCTION_ERRORS,
            namespace="AWS/Lambda",
            metric="Errors",
            dimensions={"FunctionName": function_name},
            threshold=1,
            comparison="GreaterThanOrEqualToThreshold",
        )

    def from_trail(
        self, log_group_name: pulumi.Input[str], secrets: ApplicationSecrets
    ) -> list[aws.cloudwatch.MetricAlarm]:
        """A metric filter on the CloudTrail log group per trail-fed metric, and its alarm. The
        patterns name the secrets as the secrets component created them."""
        names = self._names
        secret_names = pulumi.Output.all(secrets.app_secrets.name, secrets.db_credentials.name)
        arns = pulumi.Output.all(secrets.app_secrets.arn, secrets.db_credentials.arn)
        alarms = []
        for metric, alarm, pattern in TRAIL_METRICS:
            signal = alarm.signal if alarm else "rotation-succeeded"
            aws.cloudwatch.LogMetricFilter(
                self._children.name(filter_part(signal)),
                name=names.alarm(signal),
                log_group_name=log_group_name,
                pattern=pulumi.Output.all(secret_names, arns).apply(
                    lambda values, build=pattern: build(values[0], values[1])
                ),
                metric_transformation={
                    "name": names.metric(metric),
                    "namespace": signals.METRIC_NAMESPACE,
                    "value": "1",
                },
                opts=self._children.options(filter_part(signal)),
            )
            if alarm:
                alarms.append(
                    self._alarm(
                        alarm,
                        namespace=signals.METRIC_NAMESPACE,
                        metric=names.metric(metric),
                        dimensions=None,
                        threshold=1,
                        comparison="GreaterThanOrEqualToThreshold",
                    )
                )
        return alarms

    def _alarm(
        self,
        alarm: Alarm,
        *,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str] | None,
        threshold: float,
        comparison: str,
    ) -> aws.cloudwatch.MetricAlarm:
        part = alarm_part(alarm.signal) + (f"-{self._region}" if self._region else "")
        return aws.cloudwatch.MetricAlarm(
            self._children.name(part),
            region=self._region,
            name=self._names.alarm(alarm.signal),
            alarm_description=alarm.description(),
            namespace=namespace,
            metric_name=metric,
            dimensions=dict(dimensions) if dimensions else None,
            statistic="Sum",
            period=signals.PERIOD_SECONDS,
            evaluation_periods=1,
            threshold=threshold,
            comparison_operator=comparison,
            # No data means no calls or no matching events: that is the healthy state.
            treat_missing_data="notBreaching",
            alarm_actions=[self._topic.arn],
            ok_actions=[self._topic.arn],
            tags=dict(self._tags),
            opts=self._children.options(part),
        )
