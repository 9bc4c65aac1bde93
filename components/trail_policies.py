"""The policies around the dedicated trail: its key, its bucket, the access-log bucket and the
delivery role. Each follows the AWS page named beside it."""

from __future__ import annotations

from stack_model.policy_documents import (
    account_administers_key,
    assumable_by,
    policy_document,
    statement,
)

CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}


def _tls_only(bucket: str) -> dict:
    return statement(
        "s3:*",
        [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        sid="DenyInsecureTransport",
        effect="Deny",
        principal="*",
        condition={"Bool": {"aws:SecureTransport": "false"}},
    )


def trail_key_policy(account: str, trail_arn: str) -> str:
    """CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail": this trail may
    encrypt (aws:SourceArn) and describe the key; principals of this account may decrypt trail
    files (kms:CallerAccount), nobody else."""
    trails = f"arn:aws:cloudtrail:*:{account}:trail/*"
    return policy_document(
        account_administers_key(account),
        statement(
            "kms:GenerateDataKey*",
            "*",
            sid="TrailEncrypts",
            principal=CLOUDTRAIL,
            condition={
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
                "StringEquals": {"aws:SourceArn": trail_arn},
            },
        ),
        statement(
            "kms:DescribeKey",
            "*",
            sid="TrailDescribes",
            principal=CLOUDTRAIL,
            condition={"StringEquals": {"aws:SourceArn": trail_arn}},
        ),
        statement(
            ["kms:Decrypt", "kms:ReEncryptFrom"],
            "*",
            sid="AccountReadsTrailFiles",
            principal={"AWS": "*"},
            condition={
                "StringEquals": {"kms:CallerAccount": account},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
            },
        ),
    )


def trail_bucket_policy(bucket: str, account: str, trail_arn: str) -> str:
    """CloudTrail's bucket policy (ACL check and write, from this trail only), TLS only, and no
    upload that asks for anything but SSE-KMS (one without the header gets the bucket default)."""
    from_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return policy_document(
        statement(
            "s3:GetBucketAcl",
            f"arn:aws:s3:::{bucket}",
            sid="CloudTrailAclCheck",
            principal=CLOUDTRAIL,
            condition=from_trail,
        ),
        statement(
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
            sid="CloudTrailWrite",
            principal=CLOUDTRAIL,
            condition={
                "StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arn,
                }
            },
        ),
        _tls_only(bucket),
        statement(
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/*",
            sid="DenyOtherEncryption",
            effect="Deny",
            principal="*",
            condition={"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        ),
    )


def access_log_bucket_policy(bucket: str, account: str, source_bucket: str) -> str:
    """S3 user guide, "Enabling Amazon S3 server access logging": the logging service writes,
    for the trail bucket of this account only; TLS only."""
    return policy_document(
        statement(
            "s3:PutObject",
            f"arn:aws:s3:::{bucket}/*",
            sid="S3ServerAccessLogs",
            principal={"Service": "logging.s3.amazonaws.com"},
            condition={
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source_bucket}"},
                "StringEquals": {"aws:SourceAccount": account},
            },
        ),
        _tls_only(bucket),
    )


def delivery_trust(account: str) -> str:
    return assumable_by(
        "cloudtrail.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}}
    )


def delivery_policy(log_group_arn: str) -> str:
    return policy_document(
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], f"{log_group_arn}:log-stream:*")
    )
