"""A dedicated CloudTrail trail that delivers management events to CloudWatch Logs and to a
versioned, lifecycled S3 bucket, both encrypted with customer-managed keys.

Only for accounts without one: the metric filters of the monitoring component read its log
group. Management events of the first trail in an account are free; CloudWatch Logs charges
for what is ingested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.keys import KeyAlias, customer_managed_key
from components.trail_policies import delivery_policy, delivery_trust, trail_key_policy
from components.trail_storage import trail_storage
from components.where import account_of, region_of
from settings.model import MonitoringSettings, Settings
from stack_model.logical_names import AUDIT_TRAIL, DELIVERY_POLICY, DELIVERY_ROLE, LOG_GROUP, TRAIL
from stack_model.naming import StackNames


@dataclass(frozen=True, kw_only=True)
class AuditTrailArgs:
    names: StackNames
    log_retention_in_days: int
    monitoring: MonitoringSettings
    # Production: keys protected, log group and buckets retained (see trail_storage.py).
    protect: bool
    # The customer-managed key of the log groups (components/log_encryption.py), if any.
    log_key_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, settings: Settings, log_key_arn: pulumi.Input[str] | None
    ) -> AuditTrailArgs:
        return cls(
            names=settings.names,
            log_retention_in_days=settings.container.log_retention_in_days,
            monitoring=settings.monitoring,
            protect=settings.protect,
            log_key_arn=log_key_arn,
            tags=settings.tags,
        )


class AuditTrail(pulumi.ComponentResource):
    log_group: aws.cloudwatch.LogGroup
    trail: aws.cloudtrail.Trail
    key: aws.kms.Key

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(AUDIT_TRAIL.type, name, None, opts)
        names = args.names
        children = Children(self, name, names.prefix)
        account, region = account_of(self), region_of(self)
        tags = dict(args.tags)
        trail_arn = pulumi.Output.concat(
            "arn:aws:cloudtrail:", region, ":", account, ":trail/", names.trail
        )
        self.key = customer_managed_key(
            children,
            "key",
            f"Encrypts the {names.prefix} trail's files",
            policy=pulumi.Output.all(account, trail_arn).apply(
                lambda values: trail_key_policy(*values)
            ),
            tags=tags,
            protect=args.protect,
            alias=KeyAlias("key-alias", names.trail_key_alias),
        )
        storage = trail_storage(
            children, names, account, trail_arn, self.key, args.monitoring, args.protect, tags
        )
        self.log_group = aws.cloudwatch.LogGroup(
            children.name(LOG_GROUP),
            name=names.trail_log_group,
            retention_in_days=args.log_retention_in_days,
            kms_key_id=args.log_key_arn,
            tags=tags,
            # Retained, not protected: a rename replaces it and the old events stay.
            opts=children.options(LOG_GROUP, retain_on_delete=args.protect),
        )
        delivery_role = aws.iam.Role(
            children.name(DELIVERY_ROLE),
            name=names.trail_delivery_role,
            assume_role_policy=account.apply(delivery_trust),
            tags=tags,
            opts=children.options(DELIVERY_ROLE),
        )
        role_policy = aws.iam.RolePolicy(
            children.name(DELIVERY_POLICY),
            name=names.trail_delivery_role,
            role=delivery_role.name,
            policy=self.log_group.arn.apply(delivery_policy),
            opts=children.options(DELIVERY_POLICY),
        )
        self.trail = aws.cloudtrail.Trail(
            children.name(TRAIL),
            name=names.trail,
            s3_bucket_name=storage.bucket.bucket,
            kms_key_id=self.key.arn,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=delivery_role.arn,
            include_global_service_events=True,
            is_multi_region_trail=False,
            enable_log_file_validation=True,
            event_selectors=[{"read_write_type": "All", "include_management_events": True}],
            tags=tags,
            opts=children.options(TRAIL, depends_on=[storage.policy, role_policy]),
        )
        self.register_outputs({"logGroupName": self.log_group.name, "trailArn": self.trail.arn})
