"""Where the dedicated trail's files live: a versioned bucket encrypted with the trail's key,
archived then expired by a lifecycle rule, optionally Object-Locked, with its server access logs
in a second bucket. Declared as children of the AuditTrail component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.trail_policies import access_log_bucket_policy, trail_bucket_policy
from settings.model import MonitoringSettings
from stack_model.logical_names import (
    BUCKET,
    BUCKET_ENCRYPTION,
    BUCKET_POLICY,
    ownership_part,
    public_access_block_part,
)
from stack_model.naming import StackNames

ABORT_UPLOADS_AFTER_DAYS = 7


@dataclass(frozen=True)
class TrailStorage:
    bucket: aws.s3.Bucket
    policy: aws.s3.BucketPolicy


def _private(children: Children, part: str, bucket: aws.s3.Bucket) -> None:
    aws.s3.BucketOwnershipControls(
        children.name(ownership_part(part)),
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=children.options(ownership_part(part)),
    )
    aws.s3.BucketPublicAccessBlock(
        children.name(public_access_block_part(part)),
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=children.options(public_access_block_part(part)),
    )


def _lifecycle(children: Children, part: str, bucket: aws.s3.Bucket, rule: dict) -> None:
    aws.s3.BucketLifecycleConfiguration(
        children.name(f"{part}-lifecycle"),
        bucket=bucket.id,
        rules=[
            {
                "id": "archive-then-expire",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "abort_incomplete_multipart_upload": {
                    "days_after_initiation": ABORT_UPLOADS_AFTER_DAYS
                },
                **rule,
            }
        ],
        opts=children.options(f"{part}-lifecycle"),
    )


def trail_storage(
    children: Children,
    names: StackNames,
    account: pulumi.Output[str],
    trail_arn: pulumi.Output[str],
    key: aws.kms.Key,
    monitoring: MonitoringSettings,
    retain: bool,
    tags: Mapping[str, str],
) -> TrailStorage:
    # Retained, not protected: a rename replaces the buckets, and the old ones, with the audit
    # history, stay (S3 refuses to delete a non-empty bucket anyway).
    kept = {"retain_on_delete": retain}
    access = aws.s3.Bucket(
        children.name("access-log-bucket"),
        bucket=account.apply(names.trail_access_log_bucket),
        tags=dict(tags),
        opts=children.options("access-log-bucket", **kept),
    )
    _private(children, "access-log-bucket", access)
    # Server access log buckets take SSE-S3 only (S3 user guide, server access logging).
    aws.s3.BucketServerSideEncryptionConfiguration(
        children.name("access-log-bucket-encryption"),
        bucket=access.id,
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
        opts=children.options("access-log-bucket-encryption"),
    )
    _lifecycle(
        children,
        "access-log-bucket",
        access,
        {"expiration": {"days": monitoring.trail_expire_after_days}},
    )

    bucket = aws.s3.Bucket(
        children.name(BUCKET),
        bucket=account.apply(names.trail_bucket),
        tags=dict(tags),
        opts=children.options(BUCKET, **kept),
    )
    _private(children, BUCKET, bucket)
    versioning = aws.s3.BucketVersioning(
        children.name("bucket-versioning"),
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=children.options("bucket-versioning"),
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        children.name(BUCKET_ENCRYPTION),
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                },
                "bucket_key_enabled": True,
            }
        ],
        opts=children.options(BUCKET_ENCRYPTION),
    )
    expire = monitoring.trail_expire_after_days
    _lifecycle(
        children,
        BUCKET,
        bucket,
        {
            "transitions": [
                {"days": monitoring.trail_archive_after_days, "storage_class": "GLACIER_IR"}
            ],
            "expiration": {"days": expire},
            # A deleted or overwritten trail file stays as a noncurrent version as long.
            "noncurrent_version_expiration": {"noncurrent_days": expire},
        },
    )
    if monitoring.trail_object_lock_days:
        aws.s3.BucketObjectLockConfiguration(
            children.name("bucket-object-lock"),
            bucket=bucket.id,
            object_lock_enabled="Enabled",
            rule={
                "default_retention": {
                    "mode": "GOVERNANCE",
                    "days": monitoring.trail_object_lock_days,
                }
            },
            opts=children.options("bucket-object-lock", depends_on=[versioning]),
        )
    access_policy = aws.s3.BucketPolicy(
        children.name("access-log-bucket-policy"),
        bucket=access.id,
        policy=pulumi.Output.all(access.bucket, account, bucket.bucket).apply(
            lambda values: access_log_bucket_policy(*values)
        ),
        opts=children.options("access-log-bucket-policy"),
    )
    # S3 refuses to turn logging on (InvalidTargetBucketForLogging) until the target bucket's
    # policy lets the logging service write: with ACLs off (BucketOwnerEnforced) the policy is
    # the only grant. Seen first through the engine tier, on the emulator.
    aws.s3.BucketLogging(
        children.name("bucket-access-logging"),
        bucket=bucket.id,
        target_bucket=access.id,
        target_prefix="trail-bucket/",
        opts=children.options("bucket-access-logging", depends_on=[access_policy]),
    )
    policy = aws.s3.BucketPolicy(
        children.name(BUCKET_POLICY),
        bucket=bucket.id,
        policy=pulumi.Output.all(bucket.bucket, account, trail_arn).apply(
            lambda values: trail_bucket_policy(*values)
        ),
        opts=children.options(BUCKET_POLICY),
    )
    return TrailStorage(bucket, policy)
