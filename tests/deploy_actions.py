"""The IAM actions `pulumi up`, `refresh` and `destroy` make for each resource type the stacks
declare, as terraform-provider-aws calls them (internal/service/<service>/<resource>.go: the
create, read, update and delete functions), and which resource each acts on: `arn` (the
resource's own ARN, as the synth assigns it), `*` (the API takes no resource), or a fixed ARN.
docs/ci-cd.md's deploying role is checked against this table with the IAM evaluator."""

from __future__ import annotations

ROTATION_APPLICATION = (
    "arn:aws:serverlessrepo:us-east-1:297356227824:applications/"
    "SecretsManagerRDSPostgreSQLRotationMultiUser"
)
# What AWS names the application's CloudFormation stack, its function and its function's role.
SERVERLESSREPO_STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/serverlessrepo-{name}/*"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:{function}"
FUNCTION_ROLE = "arn:aws:iam::123456789012:role/serverlessrepo-{name}-*"

ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "aws:secretsmanager/secret:Secret": {
        "arn": ("secretsmanager:CreateSecret", "secretsmanager:DescribeSecret",
                "secretsmanager:GetResourcePolicy", "secretsmanager:UpdateSecret",
                "secretsmanager:TagResource", "secretsmanager:UntagResource",
                "secretsmanager:ReplicateSecretToRegions",
                "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:DeleteSecret"),
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        "secretId": ("secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue",
                     "secretsmanager:DescribeSecret", "secretsmanager:UpdateSecretVersionStage"),
    },
    "aws:secretsmanager/secretPolicy:SecretPolicy": {
        "secretArn": ("secretsmanager:PutResourcePolicy", "secretsmanager:GetResourcePolicy",
                      "secretsmanager:DeleteResourcePolicy"),
    },
    "aws:secretsmanager/secretRotation:SecretRotation": {
        "secretId": ("secretsmanager:RotateSecret", "secretsmanager:DescribeSecret",
                     "secretsmanager:CancelRotateSecret"),
        "rotationLambdaArn": ("lambda:InvokeFunction",),
    },
    "pulumi-python:dynamic:Resource": {
        # components/credential_fields.py
        "secretId": ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
                     "secretsmanager:PutSecretValue"),
        # components/restart_on_change.py
        "stateMachineArn": ("states:StartExecution",),
    },
    "aws:kms/key:Key": {
        "*": ("kms:CreateKey",),
        "arn": ("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy",
                "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:ListResourceTags",
                "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
                "kms:ScheduleKeyDeletion"),
    },
    "aws:kms/alias:Alias": {
        "arn": ("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
        "*": ("kms:ListAliases",),
    },
    "aws:iam/role:Role": {
        "arn": ("iam:CreateRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
                "iam:TagRole", "iam:UntagRole", "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
                "iam:DeleteRole"),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        "role_arn": ("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"),
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        "role_arn": ("iam:AttachRolePolicy", "iam:ListAttachedRolePolicies",
                     "iam:DetachRolePolicy"),
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        "*": ("ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition",
              "ecs:DeregisterTaskDefinition", "ecs:TagResource"),
        "executionRoleArn": ("iam:PassRole",),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        "arn": ("logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy",
                "logs:AssociateKmsKey", "logs:ListTagsLogGroup", "logs:TagResource",
                "logs:DeleteLogGroup"),
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        "log_group_arn": ("logs:PutMetricFilter", "logs:DescribeMetricFilters",
                          "logs:DeleteMetricFilter"),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "arn": ("cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms",
                "cloudwatch:ListTagsForResource", "cloudwatch:TagResource",
                "cloudwatch:DeleteAlarms"),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        "dashboardArn": ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
                         "cloudwatch:DeleteDashboards"),
    },
    "aws:cloudwatch/eventRule:EventRule": {
        "arn": ("events:PutRule", "events:DescribeRule", "events:ListTagsForResource",
                "events:TagResource", "events:DeleteRule"),
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        "rule_arn": ("events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"),
        "roleArn": ("iam:PassRole",),
    },
    "aws:sns/topic:Topic": {
        "arn": ("sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                "sns:ListTagsForResource", "sns:TagResource", "sns:DeleteTopic"),
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        "arn": ("sns:SetTopicAttributes", "sns:GetTopicAttributes"),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        "topic": ("sns:Subscribe", "sns:GetSubscriptionAttributes", "sns:Unsubscribe"),
    },
    "aws:cloudtrail/trail:Trail": {
        "arn": ("cloudtrail:CreateTrail", "cloudtrail:DescribeTrails",
                "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
                "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging",
                "cloudtrail:UpdateTrail", "cloudtrail:AddTags", "cloudtrail:DeleteTrail"),
        "cloudWatchLogsRoleArn": ("iam:PassRole",),
    },
    "aws:s3/bucket:Bucket": {
        "arn": ("s3:CreateBucket", "s3:ListBucket", "s3:GetBucketTagging", "s3:PutBucketTagging",
                "s3:GetBucketLocation", "s3:DeleteBucket"),
    },
    **{
        setting: {"bucket_arn": actions}
        for setting, actions in (
            ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
             ("s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration")),
            ("aws:s3/bucketLogging:BucketLogging",
             ("s3:PutBucketLogging", "s3:GetBucketLogging")),
            ("aws:s3/bucketOwnershipControls:BucketOwnershipControls",
             ("s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls")),
            ("aws:s3/bucketPolicy:BucketPolicy",
             ("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy")),
            ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
             ("s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock")),
            ("aws:s3/bucketServerSideEncryptionConfiguration:"
             "BucketServerSideEncryptionConfiguration",
             ("s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration")),
            ("aws:s3/bucketVersioning:BucketVersioning",
             ("s3:PutBucketVersioning", "s3:GetBucketVersioning")),
        )
    },
    "aws:sfn/stateMachine:StateMachine": {
        "arn": ("states:CreateStateMachine", "states:DescribeStateMachine",
                "states:UpdateStateMachine", "states:ListTagsForResource",
                "states:TagResource", "states:DeleteStateMachine"),
        "roleArn": ("iam:PassRole",),
    },
    # What the application's CloudFormation stack does with the deploying role's credentials:
    # the template, the stack, and what the template creates (the function in the database's
    # subnets, its role, the permission for Secrets Manager).
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": {
        ROTATION_APPLICATION: ("serverlessrepo:CreateCloudFormationTemplate",
                               "serverlessrepo:GetCloudFormationTemplate",
                               "serverlessrepo:GetApplication"),
        SERVERLESSREPO_STACK: ("cloudformation:CreateChangeSet",
                               "cloudformation:ExecuteChangeSet",
                               "cloudformation:DescribeChangeSet", "cloudformation:DescribeStacks",
                               "cloudformation:DeleteStack"),
        FUNCTION: ("lambda:CreateFunction", "lambda:GetFunction", "lambda:AddPermission",
                   "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
                   "lambda:RemovePermission"),
        FUNCTION_ROLE: ("iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy",
                        "iam:GetRole", "iam:PassRole", "iam:DeleteRole",
                        "iam:DetachRolePolicy", "iam:DeleteRolePolicy"),
        # Lambda checks the VPC configuration with the caller's permissions; the function's own
        # role makes its network interfaces.
        "*": ("ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"),
    },
}  # fmt: skip
# Types that make no AWS call (pulumi-random).
NO_AWS = {"random:index/randomBytes:RandomBytes", "random:index/randomPassword:RandomPassword"}
