"""Alarms on signals AWS really emits, an encrypted SNS topic they notify, and a dashboard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import signals
from components.children import Children
from components.dashboard import secrets_dashboard
from components.policy_documents import policy_document, statement
from components.secrets import ApplicationSecrets

RUNBOOK = "README.md, section Monitoring"


@dataclass(frozen=True, kw_only=True)
class SecretsMonitoringArgs:
    name_prefix: str
    secrets: ApplicationSecrets
    alarm_emails: Sequence[str]
    retrieval_threshold: int
    # A log group that receives CloudTrail management events; None leaves out the
    # CloudTrail-based alarms (the program warns).
    cloudtrail_log_group_name: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _LogSignal:
    signal: str
    metric: str
    pattern: pulumi.Output[str]
    alarm: bool
    description: str


def _topic_key_policy(account: str) -> str:
    # CloudWatch and EventBridge cannot publish to a topic encrypted with the AWS-managed
    # aws/sns key; they need these grants on a key of ours.
    return policy_document(
        statement(
            "kms:*",
            "*",
            sid="AccountAdministers",
            principal={"AWS": f"arn:aws:iam::{account}:root"},
        ),
        statement(
            ["kms:Decrypt", "kms:GenerateDataKey*"],
            "*",
            sid="AlarmPublishers",
            principal={"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
            condition={"StringEquals": {"aws:SourceAccount": account}},
        ),
    )


def _topic_policy(topic_arn: str, account: str, rule_arn: str, alarm_arns: list[str]) -> str:
    return policy_document(
        statement(
            "sns:Publish",
            topic_arn,
            sid="StackAlarmsPublish",
            principal={"Service": "cloudwatch.amazonaws.com"},
            condition={"ArnEquals": {"aws:SourceArn": alarm_arns}},
        ),
        statement(
            "sns:Publish",
            topic_arn,
            sid="RotationRulePublishes",
            principal={"Service": "events.amazonaws.com"},
            condition={"ArnEquals": {"aws:SourceArn": rule_arn}},
        ),
        statement(
            [
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
            ],
            topic_arn,
            sid="AccountManages",
            principal={"AWS": f"arn:aws:iam::{account}:root"},
        ),
    )


class SecretsMonitoring(pulumi.ComponentResource):
    topic: aws.sns.Topic
    alarms: list[aws.cloudwatch.MetricAlarm]
    dashboard: aws.cloudwatch.Dashboard

    def __init__(
        self,
        name: str,
        args: SecretsMonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("programador-musical:monitoring:SecretsMonitoring", name, None, opts)
        children = Children(self, name, args.name_prefix)
        self._children = children
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        prefix = args.name_prefix
        tags = dict(args.tags)
        secrets = args.secrets
        names = [f"{prefix}-app-secrets", f"{prefix}-db-credentials"]
        arns = pulumi.Output.all(secrets.app_secrets.arn, secrets.db_credentials.arn)

        topic_key = aws.kms.Key(
            children.name("topic-key"),
            description=f"Encrypts the {prefix} secrets alarm topic",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=account.apply(_topic_key_policy),
            tags=tags,
            opts=children.options("secrets-alarms"),
        )
        self.topic = aws.sns.Topic(
            children.name("topic"),
            name=f"{prefix}-secrets-alarms",
            kms_master_key_id=topic_key.arn,
            tags=tags,
            opts=children.options("secrets-alarms"),
        )
        for index, email in enumerate(args.alarm_emails):
            aws.sns.TopicSubscription(
                children.name(f"email-{index}"),
                topic=self.topic.arn,
                protocol="email",
                endpoint=email,
                opts=children.options(f"secrets-alarms-email-{index}"),
            )

        self.alarms = [
            self._alarm(
                prefix,
                "retrieval-volume",
                namespace="AWS/Usage",
                metric="CallCount",
                dimensions=signals.RETRIEVAL_DIMENSIONS,
                threshold=args.retrieval_threshold,
                comparison="GreaterThanThreshold",
                description=(
                    f"More than {args.retrieval_threshold} GetSecretValue calls in 5 minutes in "
                    "this account and region. Check first: ECS tasks crash-looping (each start "
                    "reads the secrets), a new client without caching, CloudTrail for who calls. "
                    f"Runbook: {RUNBOOK}."
                ),
                tags=tags,
            )
        ]

        log_signals = [
            _LogSignal(
                "unauthorized-access",
                "UnauthorizedAccess",
                arns.apply(lambda a: signals.unauthorized_access_pattern(names, a)),
                True,
                "An access-denied call named one of this stack's secrets. Check first: the "
                "CloudTrail event's userIdentity, whether a role lost its grant, whether someone "
                f"is probing. Runbook: {RUNBOOK}.",
            ),
            _LogSignal(
                "failed-retrievals",
                "FailedRetrievals",
                arns.apply(lambda a: signals.failed_retrievals_pattern(names, a)),
                True,
                "GetSecretValue on one of this stack's secrets failed. Check first: the errorCode "
                "in CloudTrail, whether the secret is scheduled for deletion, KMS key state. "
                f"Runbook: {RUNBOOK}.",
            ),
            _LogSignal(
                "rotation-failed",
                "RotationFailed",
                arns.apply(lambda a: signals.rotation_event_pattern("RotationFailed", a)),
                True,
                "Secrets Manager reported a failed rotation of one of this stack's secrets. Check "
                "first: the rotation function's logs, AWSPENDING left on a version, network "
                f"access from the function to RDS. Runbook: {RUNBOOK}.",
            ),
            _LogSignal(
                "rotation-succeeded",
                "RotationSucceeded",
                arns.apply(lambda a: signals.rotation_event_pattern("RotationSucceeded", a)),
                False,
                "",
            ),
        ]
        if args.cloudtrail_log_group_name is None:
            pulumi.log.warn(
                f"{prefix}: no CloudTrail log group (set monitoringCloudTrailLogGroup or "
                "monitoringCreateTrail): the unauthorized-access, failed-retrievals and "
                "rotation-failed alarms are left out; only retrieval volume and the EventBridge "
                "rotation-failure notification remain",
                resource=self,
            )
            log_signals = []
        for log_signal in log_signals:
            aws.cloudwatch.LogMetricFilter(
                children.name(f"{log_signal.signal}-filter"),
                name=f"{prefix}-secrets-{log_signal.signal}",
                log_group_name=args.cloudtrail_log_group_name,
                pattern=log_signal.pattern,
                metric_transformation={
                    "name": f"{prefix}/{log_signal.metric}",
                    "namespace": signals.METRIC_NAMESPACE,
                    "value": "1",
                },
                opts=children.options(f"secrets-{log_signal.signal}"),
            )
            if log_signal.alarm:
                self.alarms.append(
                    self._alarm(
                        prefix,
                        log_signal.signal,
                        namespace=signals.METRIC_NAMESPACE,
                        metric=f"{prefix}/{log_signal.metric}",
                        dimensions=None,
                        threshold=1,
                        comparison="GreaterThanOrEqualToThreshold",
                        description=log_signal.description,
                        tags=tags,
                    )
                )

        rotation_rule = aws.cloudwatch.EventRule(
            children.name("rotation-failed-rule"),
            name=f"{prefix}-secrets-rotation-failed",
            description="Rotation failures of this stack's secrets, straight to the alarm topic",
            event_pattern=arns.apply(signals.rotation_failed_event_rule),
            tags=tags,
            opts=children.options("secrets-rotation-failed"),
        )
        aws.cloudwatch.EventTarget(
            children.name("rotation-failed-target"),
            rule=rotation_rule.name,
            arn=self.topic.arn,
            opts=children.options("secrets-rotation-failed"),
        )
        aws.sns.TopicPolicy(
            children.name("topic-policy"),
            arn=self.topic.arn,
            policy=pulumi.Output.all(
                self.topic.arn, account, rotation_rule.arn, *[alarm.arn for alarm in self.alarms]
            ).apply(lambda v: _topic_policy(v[0], v[1], v[2], list(v[3:]))),
            opts=children.options("secrets-alarms"),
        )

        self.dashboard = aws.cloudwatch.Dashboard(
            children.name("dashboard"),
            dashboard_name=f"{prefix}-secrets",
            dashboard_body=pulumi.Output.all(region, *[a.arn for a in self.alarms]).apply(
                lambda v: secrets_dashboard(prefix, v[0], list(v[1:]), bool(log_signals))
            ),
            opts=children.options("secrets"),
        )
        self.register_outputs(
            {
                "topicArn": self.topic.arn,
                "alarmNames": [alarm.name for alarm in self.alarms],
                "dashboardName": self.dashboard.dashboard_name,
            }
        )

    def _alarm(
        self,
        prefix: str,
        signal: str,
        *,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str] | None,
        threshold: float,
        comparison: str,
        description: str,
        tags: Mapping[str, str],
    ) -> aws.cloudwatch.MetricAlarm:
        return aws.cloudwatch.MetricAlarm(
            self._children.name(f"{signal}-alarm"),
            name=f"{prefix}-secrets-{signal}",
            alarm_description=description,
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
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=dict(tags),
            opts=self._children.options(f"secrets-{signal}"),
        )
