"""Audit-grade storage of the trail and the logs (issue: trail bucket, CMK-encrypted log groups,
stateful resources kept): each claim of docs/guardrails.md and docs/monitoring.md, checked on
the synthesized stacks."""

from __future__ import annotations

import json

import pytest
from conftest import synth

from settings import ConfigError

PREFIX = "programador-musical-production"
ACCOUNT = "123456789012"
BUCKET = f"{PREFIX}-trail-{ACCOUNT}"
ACCESS_BUCKET = f"{PREFIX}-access-{ACCOUNT}"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{PREFIX}-secrets-trail"


def _policy(result, type_token: str, name: str) -> dict:
    return json.loads(result.resource(type_token, name)["inputs"]["policy"])


def _statement(document: dict, sid: str) -> dict:
    (found,) = [s for s in document["Statement"] if s.get("Sid") == sid]
    return found


def test_the_trail_bucket_is_versioned_lifecycled_and_logged(production):
    versioning = production.resource(
        "aws:s3/bucketVersioning:BucketVersioning", "audit-trail-bucket-versioning"
    )["inputs"]
    assert versioning == {"bucket": BUCKET, "versioningConfiguration": {"status": "Enabled"}}
    (rule,) = production.resource(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "audit-trail-bucket-lifecycle",
    )["inputs"]["rules"]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["transitions"] == [{"days": 90, "storageClass": "GLACIER_IR"}]
    # The defaults keep more than a year, deleted or overwritten versions as long.
    assert rule["expiration"] == {"days": 400}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 400}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    logging = production.resource(
        "aws:s3/bucketLogging:BucketLogging", "audit-trail-bucket-access-logging"
    )["inputs"]
    assert (logging["bucket"], logging["targetBucket"]) == (BUCKET, ACCESS_BUCKET)


def test_the_access_log_bucket_takes_only_s3_logs_of_the_trail_bucket(production):
    encryption = production.resource(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "audit-trail-access-log-bucket-encryption",
    )["inputs"]["rules"]
    assert encryption == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    policy = _policy(
        production, "aws:s3/bucketPolicy:BucketPolicy", "audit-trail-access-log-bucket-policy"
    )
    write = _statement(policy, "S3ServerAccessLogs")
    assert write["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert write["Resource"] == f"arn:aws:s3:::{ACCESS_BUCKET}/*"
    assert write["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{BUCKET}"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }
    assert _statement(policy, "DenyInsecureTransport")["Effect"] == "Deny"


def test_the_trail_bucket_takes_tls_and_kms_encrypted_uploads_only(production):
    policy = _policy(production, "aws:s3/bucketPolicy:BucketPolicy", "audit-trail-bucket-policy")
    tls = _statement(policy, "DenyInsecureTransport")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    other = _statement(policy, "DenyOtherEncryption")
    assert (other["Effect"], other["Principal"], other["Action"]) == ("Deny", "*", "s3:PutObject")
    assert other["Condition"] == {
        "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}
    }
    write = _statement(policy, "CloudTrailWrite")
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN


def test_the_trail_key_lets_this_trail_encrypt_and_this_account_decrypt(production):
    policy = _policy(production, "aws:kms/key:Key", "audit-trail-key")
    encrypt = _statement(policy, "TrailEncrypts")
    assert encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Action"] == "kms:GenerateDataKey*"
    assert encrypt["Condition"]["StringEquals"] == {"aws:SourceArn": TRAIL_ARN}
    read = _statement(policy, "AccountReadsTrailFiles")
    assert read["Action"] == ["kms:Decrypt", "kms:ReEncryptFrom"]
    assert read["Condition"]["StringEquals"] == {"kms:CallerAccount": ACCOUNT}
    assert all(
        s["Principal"] != {"AWS": "*"} or "kms:CallerAccount" in s["Condition"]["StringEquals"]
        for s in policy["Statement"]
    )


def test_object_lock_is_off_by_default_and_governs_the_configured_days(production):
    assert (
        production.resources_of(
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
        )
        == []
    )
    locked = synth(trailObjectLockDays="30")
    (lock,) = locked.resources_of(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    )
    assert lock["inputs"]["objectLockEnabled"] == "Enabled"
    assert lock["inputs"]["rule"] == {"defaultRetention": {"days": 30, "mode": "GOVERNANCE"}}
    # S3 takes Object Lock only on a versioned bucket.
    assert lock["options"]["dependsOn"] == ["audit-trail-bucket-versioning"]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"trailArchiveAfterDays": "400"}, "trailArchiveAfterDays"),
        ({"trailArchiveAfterDays": "0"}, "trailArchiveAfterDays"),
        ({"trailExpireAfterDays": "3651"}, "trailExpireAfterDays"),
        ({"trailObjectLockDays": "401"}, "trailObjectLockDays"),
        ({"trailObjectLockDays": "-1"}, "trailObjectLockDays"),
    ],
)
def test_trail_retention_settings_out_of_range_are_refused_by_name(overrides, key):
    with pytest.raises(ConfigError) as caught:
        synth(**overrides)
    assert [problem.key for problem in caught.value.problems] == [key]


def test_production_log_groups_use_the_logs_key_scoped_to_them(production):
    key_id = production.resource("aws:kms/alias:Alias", "log-encryption-alias")["inputs"][
        "targetKeyId"
    ]
    key_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    groups = production.resources_of("aws:cloudwatch/logGroup:LogGroup")
    assert sorted(g["inputs"]["name"] for g in groups) == [
        f"/aws/cloudtrail/{PREFIX}-secrets",
        f"/ecs/{PREFIX}",
    ]
    assert all(g["inputs"]["kmsKeyId"] == key_arn for g in groups)
    logs = _statement(
        _policy(production, "aws:kms/key:Key", "log-encryption-key"), "LogsOfThisStack"
    )
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": [
                f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/{PREFIX}",
                f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/cloudtrail/{PREFIX}-secrets",
            ]
        }
    }


def test_staging_keeps_costs_low_without_a_logs_key():
    staging = synth("staging")
    assert not any(r["parent"] == "log-encryption" for r in staging.resources)
    assert all(
        "kmsKeyId" not in g["inputs"]
        for g in staging.resources_of("aws:cloudwatch/logGroup:LogGroup")
    )


STATEFUL = {
    "aws:kms/key:Key": "protect",
    "aws:secretsmanager/secret:Secret": "protect",
    "aws:cloudwatch/logGroup:LogGroup": "retainOnDelete",
    "aws:s3/bucket:Bucket": "retainOnDelete",
}


@pytest.mark.parametrize("protect", ["true", "false"])
def test_every_stateful_resource_is_kept_when_protect_is_on(protect):
    result = synth(protect=protect, recoveryWindowInDays="7" if protect == "true" else "0")
    kept = {key: False for key in ("protect", "retainOnDelete")}
    for resource in result.resources:
        option = STATEFUL.get(resource["type"])
        if option:
            assert resource["options"][option] is (protect == "true"), resource["name"]
            kept[option] = True
        else:
            assert not resource["options"]["retainOnDelete"], resource["name"]
    assert all(kept.values())  # every kind was seen
