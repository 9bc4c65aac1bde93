"""Which input properties force a replacement, per resource type, as the providers declare them.

pulumi-aws and pulumi-random are bridged Terraform providers: the bridge answers a Diff with
"replace" when a changed property is ForceNew (SDKv2 schema) or carries a RequiresReplace plan
modifier (plugin framework) in the Terraform provider. Neither the Python SDKs nor the Pulumi
schema carry that flag, so it is transcribed here from the provider sources, each entry naming
the file it was read from. Property names are the Pulumi ones (camelCase, with the SDK's
renames: `alarm_name` is `name`, `topic_arn` is `topic`, `inference_accelerator` is
`inferenceAccelerators`, `volume` is `volumes`).

A type missing here is reported as such by the change plan rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

AWS = "hashicorp/terraform-provider-aws internal/service/"
RANDOM = "hashicorp/terraform-provider-random internal/provider/"


@dataclass(frozen=True)
class ForceNew:
    source: str
    properties: frozenset[str]


def _entry(source: str, *properties: str) -> ForceNew:
    return ForceNew(source, frozenset(properties))


FORCE_NEW: dict[str, ForceNew] = {
    "aws:secretsmanager/secret:Secret": _entry(
        AWS + "secretsmanager/secret.go", "name", "namePrefix"
    ),
    "aws:secretsmanager/secretRotation:SecretRotation": _entry(
        AWS + "secretsmanager/secret_rotation.go", "secretId"
    ),
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": _entry(
        AWS + "serverlessrepo/cloudformation_stack.go", "applicationId", "name"
    ),
    "aws:secretsmanager/secretPolicy:SecretPolicy": _entry(
        AWS + "secretsmanager/secret_policy.go", "secretArn"
    ),
    # A version is immutable in Secrets Manager: a new value is a new version.
    "aws:secretsmanager/secretVersion:SecretVersion": _entry(
        AWS + "secretsmanager/secret_version.go",
        "secretId",
        "secretBinary",
        "secretString",
        "secretStringWoVersion",
    ),
    "aws:kms/key:Key": _entry(
        AWS + "kms/key.go",
        "customKeyStoreId",
        "customerMasterKeySpec",
        "keyUsage",
        "multiRegion",
        "xksKeyId",
    ),
    "aws:kms/alias:Alias": _entry(AWS + "kms/alias.go", "name", "namePrefix"),
    "aws:iam/role:Role": _entry(AWS + "iam/role.go", "name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": _entry(
        AWS + "iam/role_policy.go", "name", "namePrefix", "role"
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _entry(
        AWS + "iam/role_policy_attachment.go", "role", "policyArn"
    ),
    # Task definitions are immutable revisions: everything but tags registers a new one.
    "aws:ecs/taskDefinition:TaskDefinition": _entry(
        AWS + "ecs/task_definition.go",
        "containerDefinitions",
        "cpu",
        "ephemeralStorage",
        "executionRoleArn",
        "family",
        "inferenceAccelerators",
        "ipcMode",
        "memory",
        "networkMode",
        "pidMode",
        "placementConstraints",
        "proxyConfiguration",
        "requiresCompatibilities",
        "runtimePlatform",
        "taskRoleArn",
        "volumes",
    ),
    "aws:cloudwatch/logGroup:LogGroup": _entry(
        AWS + "logs/group.go", "logGroupClass", "name", "namePrefix"
    ),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _entry(
        AWS + "logs/metric_filter.go", "logGroupName", "name"
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _entry(AWS + "cloudwatch/metric_alarm.go", "name"),
    "aws:cloudwatch/dashboard:Dashboard": _entry(AWS + "cloudwatch/dashboard.go", "dashboardName"),
    "aws:cloudwatch/eventRule:EventRule": _entry(
        AWS + "events/rule.go", "name", "namePrefix", "eventBusName"
    ),
    "aws:cloudwatch/eventTarget:EventTarget": _entry(
        AWS + "events/target.go", "eventBusName", "rule", "targetId"
    ),
    "aws:sfn/stateMachine:StateMachine": _entry(
        AWS + "sfn/state_machine.go", "name", "namePrefix", "type"
    ),
    "aws:sns/topic:Topic": _entry(AWS + "sns/topic.go", "name", "namePrefix", "fifoTopic"),
    "aws:sns/topicPolicy:TopicPolicy": _entry(AWS + "sns/topic_policy.go", "arn"),
    "aws:sns/topicSubscription:TopicSubscription": _entry(
        AWS + "sns/topic_subscription.go", "endpoint", "protocol", "topic"
    ),
    "aws:cloudtrail/trail:Trail": _entry(AWS + "cloudtrail/trail.go", "name"),
    "aws:s3/bucket:Bucket": _entry(
        AWS + "s3/bucket.go", "bucket", "bucketPrefix", "objectLockEnabled"
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _entry(
        AWS + "s3/bucket_ownership_controls.go", "bucket"
    ),
    "aws:s3/bucketPolicy:BucketPolicy": _entry(AWS + "s3/bucket_policy.go", "bucket"),
    "aws:s3/bucketVersioning:BucketVersioning": _entry(
        AWS + "s3/bucket_versioning.go", "bucket", "expectedBucketOwner"
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _entry(
        AWS + "s3/bucket_lifecycle_configuration.go", "bucket", "expectedBucketOwner"
    ),
    "aws:s3/bucketLogging:BucketLogging": _entry(
        AWS + "s3/bucket_logging.go", "bucket", "expectedBucketOwner"
    ),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": _entry(
        AWS + "s3/bucket_object_lock_configuration.go",
        "bucket",
        "expectedBucketOwner",
        "objectLockEnabled",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _entry(
        AWS + "s3/bucket_public_access_block.go", "bucket"
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        _entry(
            AWS + "s3/bucket_server_side_encryption_configuration.go",
            "bucket",
            "expectedBucketOwner",
        )
    ),
    # The dynamic provider's own Diff (components/credential_fields.py) replaces on secretId only.
    "pulumi-python:dynamic:Resource": _entry(
        "components/credential_fields.py CredentialFieldsProvider.diff", "secretId"
    ),
    "random:index/randomBytes:RandomBytes": _entry(
        RANDOM + "resource_bytes.go", "keepers", "length"
    ),
    "random:index/randomPassword:RandomPassword": _entry(
        RANDOM + "resource_password.go",
        "keepers",
        "length",
        "special",
        "upper",
        "lower",
        "number",
        "numeric",
        "minNumeric",
        "minUpper",
        "minLower",
        "minSpecial",
        "overrideSpecial",
    ),
}
