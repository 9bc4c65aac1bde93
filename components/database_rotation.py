"""Scheduled rotation of db-credentials by Secrets Manager, with AWS's hosted alternating-users
function for RDS PostgreSQL (stack_model/rotation.py pins it; docs/rotation.md explains it).

Two users take turns: each rotation gives the user that is not in AWSCURRENT a new password,
checks it, and only then moves AWSCURRENT to it. The credentials every running task holds stay
valid through the next rotation, so there is no window in which a task reads a password the
database refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from settings.model import RotationSettings, Settings
from stack_model.logical_names import DATABASE_ROTATION
from stack_model.naming import StackNames
from stack_model.rotation import (
    ROTATION_APPLICATION_CAPABILITIES,
    ROTATION_APPLICATION_ID,
    ROTATION_APPLICATION_VERSION,
    ROTATION_EXCLUDE_CHARACTERS,
    ROTATION_FUNCTION_OUTPUT,
    secrets_manager_endpoint,
)


@dataclass(frozen=True, kw_only=True)
class DatabaseRotationArgs:
    names: StackNames
    region: str
    rotation: RotationSettings
    secret: aws.secretsmanager.Secret
    # The key that encrypts the secret (the function decrypts and re-encrypts with it).
    secret_kms_key_arn: pulumi.Input[str] | None = None
    # What must be written into the secret before rotation is turned on: enabling it runs
    # testSecret on a transient AWSPENDING version (RotateSecret, RotateImmediately=false),
    # during which nothing else may write the secret.
    secret_ready: pulumi.Resource | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        secret: aws.secretsmanager.Secret,
        secret_kms_key_arn: pulumi.Input[str] | None,
        secret_ready: pulumi.Resource | None = None,
    ) -> DatabaseRotationArgs:
        return cls(
            names=settings.names,
            region=settings.region,
            rotation=settings.rotation,
            secret=secret,
            secret_kms_key_arn=secret_kms_key_arn,
            secret_ready=secret_ready,
            tags=settings.tags,
        )


def application_parameters(
    args: DatabaseRotationArgs, secret_kms_key_arn: str | None
) -> dict[str, str]:
    """The application's template parameters (as AWS CDK's SecretRotation passes them)."""
    rotation = args.rotation
    parameters = {
        "endpoint": secrets_manager_endpoint(args.region),
        "functionName": args.names.rotation_function,
        "vpcSubnetIds": ",".join(rotation.subnet_ids),
        "vpcSecurityGroupIds": ",".join(rotation.security_group_ids),
        "excludeCharacters": ROTATION_EXCLUDE_CHARACTERS,
        "masterSecretArn": rotation.master_secret_arn,
    }
    if secret_kms_key_arn:
        parameters["kmsKeyArn"] = secret_kms_key_arn
    if rotation.master_secret_kms_key_arn:
        parameters["masterSecretKmsKeyArn"] = rotation.master_secret_kms_key_arn
    return parameters


class DatabaseRotation(pulumi.ComponentResource):
    application: aws.serverlessrepository.CloudFormationStack
    function_arn: pulumi.Output[str]
    # The function's execution role: the secrets' resource policy must let it through.
    function_role_arn: pulumi.Output[str]
    schedule: aws.secretsmanager.SecretRotation

    def __init__(
        self,
        name: str,
        args: DatabaseRotationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(DATABASE_ROTATION.type, name, None, opts)
        children = Children(self, name, args.names.prefix)
        parameters = pulumi.Output.from_input(args.secret_kms_key_arn).apply(
            lambda key: application_parameters(args, key)
        )
        self.application = aws.serverlessrepository.CloudFormationStack(
            children.name("application"),
            name=args.names.rotation_application,
            application_id=ROTATION_APPLICATION_ID,
            semantic_version=ROTATION_APPLICATION_VERSION,
            capabilities=list(ROTATION_APPLICATION_CAPABILITIES),
            parameters=parameters,
            tags=dict(args.tags),
            opts=children.options("application"),
        )
        self.function_arn = self.application.outputs.apply(
            lambda outputs: outputs[ROTATION_FUNCTION_OUTPUT]
        )
        self.function_role_arn = aws.lambda_.get_function_output(
            function_name=self.function_arn, opts=pulumi.InvokeOutputOptions(parent=self)
        ).role
        # Not rotated at once: the first user must exist first (the first-deployment runbook
        # creates it with `manage-secrets bootstrap-db-user`), so the first rotation waits for
        # the schedule or for `manage-secrets rotate-db`.
        self.schedule = aws.secretsmanager.SecretRotation(
            children.name("schedule"),
            secret_id=args.secret.id,
            rotation_lambda_arn=self.function_arn,
            rotation_rules={"schedule_expression": args.rotation.schedule},
            rotate_immediately=False,
            opts=children.options(
                "schedule", depends_on=[args.secret_ready] if args.secret_ready else None
            ),
        )
        self.register_outputs(
            {"functionArn": self.function_arn, "schedule": args.rotation.schedule}
        )
