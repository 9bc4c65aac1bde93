"""A dedicated CloudTrail trail that delivers management events to CloudWatch Logs.

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
from settings.model import Settings
from stack_model.logical_names import AUDIT_TRAIL
from stack_model.naming import StackNames
from stack_model.policy_documents import assumable_by, policy_document, statement


@dataclass(frozen=True, kw_only=True)
class AuditTrailArgs:
    names: StackNames
    log_retention_in_days: int
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditTrailArgs:
        return cls(
            names=settings.names,
            log_retention_in_days=settings.container.log_retention_in_days,
            tags=settings.tags,
        )


def _bucket_policy(bucket: str, account: str, trail_arn: str) -> str:
    cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
    from_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return policy_document(
        statement(
            "s3:GetBucketAcl",
            f"arn:aws:s3:::{bucket}",
            sid="CloudTrailAclCheck",
            principal=cloudtrail,
            condition=from_trail,
        ),
        statement(
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
            sid="CloudTrailWrite",
            principal=cloudtrail,
            condition={
                "StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arn,
                }
            },
        ),
        statement(
            "s3:*",
            [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            sid="DenyInsecureTransport",
            effect="Deny",
            principal="*",
            condition={"Bool": {"aws:SecureTransport": "false"}},
        ),
    )


def _delivery_trust(account: str) -> str:
    return assumable_by(
        "cloudtrail.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}}
    )


def _delivery_policy(log_group_arn: str) -> str:
    return policy_document(
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], f"{log_group_arn}:log-stream:*")
    )


class AuditTrail(pulumi.ComponentResource):
    log_group: aws.cloudwatch.LogGroup
    trail: aws.cloudtrail.Trail

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(AUDIT_TRAIL.type, name, None, opts)
        names = args.names
        children = Children(self, name, names.prefix)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        tags = dict(args.tags)
        trail_name = names.trail
        trail_arn = pulumi.Output.concat(
            "arn:aws:cloudtrail:", region, ":", account, ":trail/", trail_name
        )

        bucket = aws.s3.Bucket(
            children.name("bucket"),
            bucket=pulumi.Output.from_input(account).apply(
                lambda account_id: names.trail_bucket(account_id)
            ),
            tags=tags,
            opts=children.options("trail"),
        )
        aws.s3.BucketOwnershipControls(
            children.name("bucket-ownership"),
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=children.options("trail"),
        )
        aws.s3.BucketPublicAccessBlock(
            children.name("bucket-public-access-block"),
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=children.options("trail"),
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            children.name("bucket-encryption"),
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=children.options("trail"),
        )
        bucket_policy = aws.s3.BucketPolicy(
            children.name("bucket-policy"),
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.bucket, account, trail_arn).apply(
                lambda values: _bucket_policy(*values)
            ),
            opts=children.options("trail"),
        )
        self.log_group = aws.cloudwatch.LogGroup(
            children.name("log-group"),
            name=names.trail_log_group,
            retention_in_days=args.log_retention_in_days,
            tags=tags,
            opts=children.options("trail"),
        )
        delivery_role = aws.iam.Role(
            children.name("delivery-role"),
            name=names.trail_delivery_role,
            assume_role_policy=account.apply(_delivery_trust),
            tags=tags,
            opts=children.options("cloudtrail-logs"),
        )
        delivery_policy = aws.iam.RolePolicy(
            children.name("delivery-policy"),
            name=names.trail_delivery_role,
            role=delivery_role.name,
            policy=self.log_group.arn.apply(_delivery_policy),
            opts=children.options("cloudtrail-logs"),
        )
        self.trail = aws.cloudtrail.Trail(
            children.name("trail"),
            name=trail_name,
            s3_bucket_name=bucket.bucket,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),
            cloud_watch_logs_role_arn=delivery_role.arn,
            include_global_service_events=True,
            is_multi_region_trail=False,
            enable_log_file_validation=True,
            event_selectors=[{"read_write_type": "All", "include_management_events": True}],
            tags=tags,
            opts=children.options("secrets-trail", depends_on=[bucket_policy, delivery_policy]),
        )
        self.register_outputs({"logGroupName": self.log_group.name, "trailArn": self.trail.arn})
