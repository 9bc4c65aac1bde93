"""S3 buckets and their settings, and CloudTrail trails (terraform-provider-aws
internal/service/s3 and cloudtrail: a bucket's id is its name, as is each setting's; a trail's
id is its name)."""

from __future__ import annotations

from engine.providers.aws.context import aws_call, missing, tag_list
from engine.providers.aws.handler import Handler


def _camel_to_aws(value):
    """A nested input (camelCase, the Pulumi names of the Terraform blocks) in the S3 API's
    PascalCase, where the two name the same fields."""
    if isinstance(value, dict):
        return {key[:1].upper() + key[1:]: _camel_to_aws(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel_to_aws(item) for item in value]
    return value


class Bucket(Handler):
    token = "aws:s3/bucket:Bucket"
    computed = ("arn", "id", "bucketDomainName", "bucketRegionalDomainName", "region", "tagsAll")
    defaults = {"forceDestroy": False, "objectLockEnabled": False}
    optional_computed = frozenset({"bucket", "bucketPrefix", "objectLockEnabled", "region"})

    def create(self, ctx, inputs):
        name = inputs["bucket"]
        request = {"Bucket": name}
        if ctx.region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
        if inputs.get("objectLockEnabled"):
            request["ObjectLockEnabledForBucket"] = True
        s3 = ctx.client("s3")
        aws_call(f"creating S3 Bucket ({name})", lambda: s3.create_bucket(**request))
        if inputs.get("tags"):
            aws_call(
                f"tagging S3 Bucket ({name})",
                lambda: s3.put_bucket_tagging(
                    Bucket=name, Tagging={"TagSet": tag_list(inputs["tags"])}
                ),
            )
        return name, {
            "arn": f"arn:aws:s3:::{name}",
            "bucketDomainName": f"{name}.s3.amazonaws.com",
            "bucketRegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
            "region": ctx.region,
        }

    def update(self, ctx, id_, olds, news):
        if news.get("tags"):
            ctx.client("s3").put_bucket_tagging(
                Bucket=id_, Tagging={"TagSet": tag_list(news["tags"])}
            )
        return {}

    def delete(self, ctx, id_, state):
        s3 = ctx.client("s3")
        if state.get("forceDestroy"):
            versions = s3.list_object_versions(Bucket=id_)
            for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
                s3.delete_object(Bucket=id_, Key=item["Key"], VersionId=item["VersionId"])
        aws_call(f"deleting S3 Bucket ({id_})", lambda: s3.delete_bucket(Bucket=id_))


class _BucketSetting(Handler):
    """A setting of a bucket, written with one Put call and removed with one Delete call."""

    computed = ("id",)
    taggable = False
    doing = ""

    def put(self, s3, inputs: dict) -> None:
        raise NotImplementedError

    def remove(self, s3, bucket: str) -> None:
        raise NotImplementedError

    def create(self, ctx, inputs):
        bucket = inputs["bucket"]
        aws_call(
            f"{self.doing} for S3 Bucket ({bucket})", lambda: self.put(ctx.client("s3"), inputs)
        )
        return bucket, {}

    def update(self, ctx, id_, olds, news):
        return self.create(ctx, news)[1]

    def delete(self, ctx, id_, state):
        missing(lambda: self.remove(ctx.client("s3"), id_))


class BucketVersioning(_BucketSetting):
    token = "aws:s3/bucketVersioning:BucketVersioning"
    doing = "putting versioning"

    def put(self, s3, inputs):
        status = inputs["versioningConfiguration"]["status"]
        s3.put_bucket_versioning(
            Bucket=inputs["bucket"], VersioningConfiguration={"Status": status}
        )

    def remove(self, s3, bucket):
        # bucket_versioning.go, Delete: a bucket cannot go back to unversioned, only suspended.
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})


class BucketLifecycleConfiguration(_BucketSetting):
    token = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    doing = "putting lifecycle configuration"

    def put(self, s3, inputs):
        rules = _camel_to_aws(inputs["rules"])
        for rule in rules:
            rule["ID"] = rule.pop("Id", None) or "rule"
            for noncurrent in ("NoncurrentVersionExpiration",):
                if noncurrent in rule and "NoncurrentDays" in rule[noncurrent]:
                    rule[noncurrent]["NoncurrentDays"] = int(rule[noncurrent]["NoncurrentDays"])
        s3.put_bucket_lifecycle_configuration(
            Bucket=inputs["bucket"], LifecycleConfiguration={"Rules": rules}
        )

    def remove(self, s3, bucket):
        s3.delete_bucket_lifecycle(Bucket=bucket)


class BucketLogging(_BucketSetting):
    token = "aws:s3/bucketLogging:BucketLogging"
    doing = "putting logging"

    def put(self, s3, inputs):
        s3.put_bucket_logging(
            Bucket=inputs["bucket"],
            BucketLoggingStatus={
                "LoggingEnabled": {
                    "TargetBucket": inputs["targetBucket"],
                    "TargetPrefix": inputs["targetPrefix"],
                }
            },
        )

    def remove(self, s3, bucket):
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})


class BucketPublicAccessBlock(_BucketSetting):
    token = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    doing = "putting public access block"
    defaults = {
        "blockPublicAcls": False,
        "blockPublicPolicy": False,
        "ignorePublicAcls": False,
        "restrictPublicBuckets": False,
        "skipDestroy": False,
    }

    def put(self, s3, inputs):
        flags = (
            "blockPublicAcls",
            "ignorePublicAcls",
            "blockPublicPolicy",
            "restrictPublicBuckets",
        )
        s3.put_public_access_block(
            Bucket=inputs["bucket"],
            PublicAccessBlockConfiguration={
                name[:1].upper() + name[1:]: bool(inputs.get(name)) for name in flags
            },
        )

    def remove(self, s3, bucket):
        s3.delete_public_access_block(Bucket=bucket)


class BucketOwnershipControls(_BucketSetting):
    token = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
    doing = "putting ownership controls"

    def put(self, s3, inputs):
        ownership = inputs["rule"]["objectOwnership"]
        s3.put_bucket_ownership_controls(
            Bucket=inputs["bucket"], OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]}
        )

    def remove(self, s3, bucket):
        s3.delete_bucket_ownership_controls(Bucket=bucket)


class BucketServerSideEncryptionConfiguration(_BucketSetting):
    token = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    doing = "putting server-side encryption"

    def put(self, s3, inputs):
        rules = []
        for rule in inputs["rules"]:
            default = rule.get("applyServerSideEncryptionByDefault") or {}
            aws_rule = {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": default["sseAlgorithm"]}
            }
            if default.get("kmsMasterKeyId"):
                aws_rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] = default[
                    "kmsMasterKeyId"
                ]
            if rule.get("bucketKeyEnabled") is not None:
                aws_rule["BucketKeyEnabled"] = rule["bucketKeyEnabled"]
            rules.append(aws_rule)
        s3.put_bucket_encryption(
            Bucket=inputs["bucket"], ServerSideEncryptionConfiguration={"Rules": rules}
        )

    def remove(self, s3, bucket):
        s3.delete_bucket_encryption(Bucket=bucket)


class BucketPolicy(_BucketSetting):
    token = "aws:s3/bucketPolicy:BucketPolicy"
    doing = "putting policy"

    def put(self, s3, inputs):
        s3.put_bucket_policy(Bucket=inputs["bucket"], Policy=inputs["policy"])

    def remove(self, s3, bucket):
        s3.delete_bucket_policy(Bucket=bucket)


class BucketObjectLockConfiguration(_BucketSetting):
    token = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    doing = "putting object lock configuration"

    def put(self, s3, inputs):
        configuration = {"ObjectLockEnabled": inputs.get("objectLockEnabled") or "Enabled"}
        if inputs.get("rule"):
            configuration["Rule"] = _camel_to_aws(inputs["rule"])
        s3.put_object_lock_configuration(
            Bucket=inputs["bucket"], ObjectLockConfiguration=configuration
        )

    def remove(self, s3, bucket):
        return None  # object_lock_configuration.go, Delete: the lock cannot be turned off


class Trail(Handler):
    token = "aws:cloudtrail/trail:Trail"
    computed = ("arn", "id", "homeRegion", "tagsAll")
    defaults = {
        "enableLogging": True,
        "includeGlobalServiceEvents": True,
        "isMultiRegionTrail": False,
        "isOrganizationTrail": False,
        "enableLogFileValidation": False,
    }

    FIELDS = (
        ("s3BucketName", "S3BucketName"),
        ("s3KeyPrefix", "S3KeyPrefix"),
        ("includeGlobalServiceEvents", "IncludeGlobalServiceEvents"),
        ("isMultiRegionTrail", "IsMultiRegionTrail"),
        ("enableLogFileValidation", "EnableLogFileValidation"),
        ("kmsKeyId", "KmsKeyId"),
        ("cloudWatchLogsGroupArn", "CloudWatchLogsLogGroupArn"),
        ("cloudWatchLogsRoleArn", "CloudWatchLogsRoleArn"),
    )

    def create(self, ctx, inputs):
        request = {"Name": inputs["name"], "TagsList": tag_list(inputs.get("tags"))}
        for name, field in self.FIELDS:
            if inputs.get(name) is not None:
                request[field] = inputs[name]
        cloudtrail = ctx.client("cloudtrail")
        trail = aws_call(
            f"creating CloudTrail Trail ({inputs['name']})",
            lambda: cloudtrail.create_trail(**request),
        )
        if inputs.get("enableLogging", True):
            cloudtrail.start_logging(Name=inputs["name"])
        return inputs["name"], {"arn": trail["TrailARN"], "homeRegion": ctx.region}

    def update(self, ctx, id_, olds, news):
        request = {"Name": id_}
        for name, field in self.FIELDS:
            if news.get(name) is not None:
                request[field] = news[name]
        trail = aws_call(
            f"updating CloudTrail Trail ({id_})",
            lambda: ctx.client("cloudtrail").update_trail(**request),
        )
        return {"arn": trail["TrailARN"], "homeRegion": ctx.region}

    def delete(self, ctx, id_, state):
        aws_call(
            f"deleting CloudTrail Trail ({id_})",
            lambda: ctx.client("cloudtrail").delete_trail(Name=id_),
        )
