"""Logs and the audit trail: retention, encryption in production, the trail's bucket versioned
and lifecycled."""

from __future__ import annotations

from pack_support import (
    BUCKET,
    BUCKET_LIFECYCLE,
    BUCKET_VERSIONING,
    LOG_GROUP,
    PRODUCTION_STACKS_SCHEMA,
    TRAIL,
    UNKNOWN,
    as_list,
    called,
    depends_on,
    is_production,
    known,
)
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _log_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report(f"log group {called(args)} keeps logs forever: set retention_in_days")


def _production_logs_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LOG_GROUP or not is_production(args, args.urn):
        return
    if known(args.props, "kmsKeyId") is not UNKNOWN and not args.props.get("kmsKeyId"):
        report(
            f"production log group {called(args)} is not encrypted with a customer-managed key: "
            "keep kmsCustomerManagedKey true (the stack's log encryption key)"
        )


def _trail_buckets_kept(args: StackValidationArgs, report: ReportViolation) -> None:
    """The bucket of a trail this stack declares is versioned (nothing overwritten or deleted
    for good) and lifecycled (files expire instead of growing forever). A setting is tied to its
    bucket by what it is built from (known in a preview before the bucket exists) or by name."""
    buckets = {r.urn: r for r in args.resources if r.resource_type == BUCKET}
    by_name = {known(r.props, "bucket"): urn for urn, r in buckets.items()}

    def buckets_of(resource, prop: str) -> set[str]:
        named = by_name.get(known(resource.props, prop))
        return {d.urn for d in depends_on(resource, prop, BUCKET)} | ({named} if named else set())

    versioned: set[str] = set()
    lifecycled: set[str] = set()
    for r in args.resources:
        if r.resource_type == BUCKET_VERSIONING and (
            (known(r.props, "versioningConfiguration") or {}).get("status") == "Enabled"
        ):
            versioned |= buckets_of(r, "bucket")
        if r.resource_type == BUCKET_LIFECYCLE and any(
            rule.get("status") == "Enabled" and (rule.get("expiration") or {}).get("days")
            for rule in as_list(known(r.props, "rules"))
        ):
            lifecycled |= buckets_of(r, "bucket")
    for trail in (r for r in args.resources if r.resource_type == TRAIL):
        for bucket in buckets_of(trail, "s3BucketName"):  # none: a bucket managed elsewhere
            name = known(buckets[bucket].props, "bucket") or buckets[bucket].name
            if bucket not in versioned:
                report(f"trail bucket {name} is not versioned: enable S3 versioning", trail.urn)
            if bucket not in lifecycled:
                report(
                    f"trail bucket {name} has no enabled expiration rule: its files would grow "
                    "forever (set trailExpireAfterDays)",
                    trail.urn,
                )


POLICIES = [
    ResourceValidationPolicy(
        name="log-group-retention",
        description="Log groups have a retention period.",
        validate=_log_retention,
    ),
    ResourceValidationPolicy(
        name="production-logs-encrypted",
        description="Log groups of a production stack are encrypted with a customer-managed key.",
        validate=_production_logs_encrypted,
        config_schema=PRODUCTION_STACKS_SCHEMA,
    ),
    StackValidationPolicy(
        name="trail-bucket-versioned-and-lifecycled",
        description="The bucket of a trail the stack declares is versioned and expires files.",
        validate=_trail_buckets_kept,
    ),
]
