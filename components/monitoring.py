"""Alarms on signals AWS really emits, an encrypted SNS topic they notify, and a dashboard.

What each alarm watches and its runbook are declared in stack_model/alarms.py; the CloudTrail
filter patterns in components/signals.py; the topic's policies in monitoring_policies.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import signals
from components.alarm_resources import StackAlarms
from components.children import Children
from components.dashboard import secrets_dashboard
from components.keys import customer_managed_key
from components.monitoring_policies import topic_key_policy, topic_policy
from components.secrets import ApplicationSecrets
from components.where import account_of, region_of
from settings.model import Settings
from stack_model.logical_names import (
    DASHBOARD,
    MONITORING,
    ROTATION_FAILED_RULE,
    ROTATION_FAILED_TARGET,
    TOPIC,
    TOPIC_KEY,
    TOPIC_POLICY,
    email_part,
)
from stack_model.naming import StackNames


@dataclass(frozen=True, kw_only=True)
class SecretsMonitoringArgs:
    names: StackNames
    secrets: ApplicationSecrets
    alarm_emails: Sequence[str]
    retrieval_threshold: int
    # A log group that receives CloudTrail management events; None leaves out the
    # CloudTrail-based alarms (the program warns).
    cloudtrail_log_group_name: pulumi.Input[str] | None = None
    # Production: the topic's key is protected (deleting it silences every alarm).
    protect: bool = False
    # Where the secrets have replicas: each gets its retrieval alarm and topic there.
    replica_regions: Sequence[str] = ()
    # The managed rotation's function, whose errors are alarmed on; None without it.
    rotation_function_name: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        secrets: ApplicationSecrets,
        cloudtrail_log_group_name: pulumi.Input[str] | None,
        rotation_function_name: str | None,
    ) -> SecretsMonitoringArgs:
        return cls(
            names=settings.names,
            secrets=secrets,
            alarm_emails=settings.monitoring.alarm_emails,
            retrieval_threshold=settings.monitoring.retrieval_threshold,
            cloudtrail_log_group_name=cloudtrail_log_group_name,
            protect=settings.protect,
            replica_regions=settings.replica_regions,
            rotation_function_name=rotation_function_name,
            tags=settings.tags,
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
        super().__init__(MONITORING.type, name, None, opts)
        self._args = args
        self._children = Children(self, name, args.names.prefix)
        account, region = account_of(self), region_of(self)
        self.topic = self._topic(account)
        alarms = StackAlarms(self._children, args.names, self.topic, args.tags)
        self.alarms = [alarms.retrieval_volume(args.retrieval_threshold)]
        if args.rotation_function_name:
            self.alarms.append(alarms.rotation_function_errors(args.rotation_function_name))
        with_trail = args.cloudtrail_log_group_name is not None
        if with_trail:
            self.alarms += alarms.from_trail(args.cloudtrail_log_group_name, args.secrets)
        else:
            pulumi.log.warn(
                f"{args.names.prefix}: no CloudTrail log group (set monitoringCloudTrailLogGroup "
                "or monitoringCreateTrail): the unauthorized-access, failed-retrievals and "
                "rotation-failed alarms are left out; only retrieval volume and the EventBridge "
                "rotation-failure notification remain",
                resource=self,
            )
        self.replica_alarms: list[aws.cloudwatch.MetricAlarm] = []
        for replica_region in args.replica_regions:
            self._replica_region(account, replica_region)
        rotation_rule = self._rotation_failed_rule()
        aws.sns.TopicPolicy(
            self._children.name(TOPIC_POLICY),
            arn=self.topic.arn,
            policy=pulumi.Output.all(
                self.topic.arn, account, rotation_rule.arn, *[alarm.arn for alarm in self.alarms]
            ).apply(lambda v: topic_policy(v[0], v[1], v[2], list(v[3:]))),
            opts=self._children.options(TOPIC_POLICY),
        )
        self.dashboard = aws.cloudwatch.Dashboard(
            self._children.name(DASHBOARD),
            dashboard_name=args.names.dashboard,
            dashboard_body=pulumi.Output.all(region, *[a.arn for a in self.alarms]).apply(
                lambda v: secrets_dashboard(args.names, v[0], list(v[1:]), with_trail)
            ),
            opts=self._children.options(DASHBOARD),
        )
        self.register_outputs(
            {
                "topicArn": self.topic.arn,
                "alarmNames": [alarm.name for alarm in self.alarms],
                "dashboardName": self.dashboard.dashboard_name,
            }
        )

    def _topic(self, account: pulumi.Output[str], region: str | None = None) -> aws.sns.Topic:
        """The alarm topic and its key; in a replica region, that region's copy (the logical
        names get the region, the physical ones are regional already)."""
        names, tags = self._args.names, dict(self._args.tags)
        suffix = f"-{region}" if region else ""
        key = customer_managed_key(
            self._children,
            f"{TOPIC_KEY}{suffix}",
            f"Encrypts the {names.prefix} secrets alarm topic",
            region=region,
            policy=account.apply(topic_key_policy),
            tags=tags,
            protect=self._args.protect,
        )
        topic = aws.sns.Topic(
            self._children.name(f"{TOPIC}{suffix}"),
            region=region,
            name=names.alarm_topic,
            kms_master_key_id=key.arn,
            tags=tags,
            opts=self._children.options(f"{TOPIC}{suffix}"),
        )
        for index, email in enumerate(self._args.alarm_emails):
            aws.sns.TopicSubscription(
                self._children.name(f"{email_part(index)}{suffix}"),
                region=region,
                topic=topic.arn,
                protocol="email",
                endpoint=email,
                opts=self._children.options(f"{email_part(index)}{suffix}"),
            )
        return topic

    def _replica_region(self, account: pulumi.Output[str], region: str) -> None:
        """Calls to a replica are counted in its region: the retrieval alarm there, notifying
        that region's topic."""
        topic = self._topic(account, region)
        alarms = StackAlarms(self._children, self._args.names, topic, self._args.tags, region)
        alarm = alarms.retrieval_volume(self._args.retrieval_threshold)
        aws.sns.TopicPolicy(
            self._children.name(f"topic-policy-{region}"),
            region=region,
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, account, alarm.arn).apply(
                lambda v: topic_policy(v[0], v[1], None, [v[2]])
            ),
            opts=self._children.options(f"topic-policy-{region}"),
        )
        self.replica_alarms.append(alarm)

    def _rotation_failed_rule(self) -> aws.cloudwatch.EventRule:
        """Rotation failures go to the topic at once, with or without a trail."""
        secrets = self._args.secrets
        arns = pulumi.Output.all(secrets.app_secrets.arn, secrets.db_credentials.arn)
        rule = aws.cloudwatch.EventRule(
            self._children.name(ROTATION_FAILED_RULE),
            name=self._args.names.rotation_failed_rule,
            description="Rotation failures of this stack's secrets, straight to the alarm topic",
            event_pattern=arns.apply(signals.rotation_failed_event_rule),
            tags=dict(self._args.tags),
            opts=self._children.options(ROTATION_FAILED_RULE),
        )
        aws.cloudwatch.EventTarget(
            self._children.name(ROTATION_FAILED_TARGET),
            rule=rule.name,
            arn=self.topic.arn,
            opts=self._children.options(ROTATION_FAILED_TARGET),
        )
        return rule
