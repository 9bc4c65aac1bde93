"""The application's Fargate task definition, whose container receives the secrets at start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.execution_role import EcsExecutionRole
from components.secret_access import ContainerSecret
from components.where import region_of
from settings.model import Settings
from stack_model.logical_names import LOG_GROUP, TASK, TASK_DEFINITION
from stack_model.naming import StackNames


@dataclass(frozen=True, kw_only=True)
class ApplicationTaskDefinitionArgs:
    names: StackNames
    image: str
    execution_role: EcsExecutionRole
    # Each entry carries its secrets component; the task grants its execution role the read.
    container_secrets: Sequence[ContainerSecret]
    cpu: int
    memory: int
    container_port: int
    log_retention_in_days: int
    # Plain settings only; anything sensitive goes through container_secrets.
    environment: Mapping[str, str] = field(default_factory=dict)
    # The log group's customer-managed key (components/log_encryption.py), if any, and whether
    # the log group outlives a replacement or a destroy (production).
    log_key_arn: pulumi.Input[str] | None = None
    retain_logs: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        execution_role: EcsExecutionRole,
        container_secrets: Sequence[ContainerSecret],
        log_key_arn: pulumi.Input[str] | None = None,
    ) -> ApplicationTaskDefinitionArgs:
        container = settings.container
        return cls(
            names=settings.names,
            image=container.image,
            execution_role=execution_role,
            container_secrets=container_secrets,
            cpu=container.cpu,
            memory=container.memory,
            container_port=container.port,
            log_retention_in_days=container.log_retention_in_days,
            environment={"APP_ENV": settings.stack},
            log_key_arn=log_key_arn,
            retain_logs=settings.protect,
            tags=settings.tags,
        )


class ApplicationTaskDefinition(pulumi.ComponentResource):
    log_group: aws.cloudwatch.LogGroup
    task_definition: aws.ecs.TaskDefinition

    def __init__(
        self,
        name: str,
        args: ApplicationTaskDefinitionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(TASK.type, name, None, opts)
        children = Children(self, name, args.names.prefix)
        for secret in args.container_secrets:
            args.execution_role.allow_reading(secret.source)
        region = region_of(self)

        self.log_group = aws.cloudwatch.LogGroup(
            children.name(LOG_GROUP),
            name=args.names.app_log_group,
            retention_in_days=args.log_retention_in_days,
            kms_key_id=args.log_key_arn,
            tags=dict(args.tags),
            # Retained, not protected: a rename replaces it and the old logs stay.
            opts=children.options(LOG_GROUP, retain_on_delete=args.retain_logs),
        )
        container = {
            "name": "app",
            "image": args.image,
            "essential": True,
            "portMappings": [{"containerPort": args.container_port, "protocol": "tcp"}],
            "environment": [
                {"name": key, "value": value} for key, value in sorted(args.environment.items())
            ],
            "secrets": [secret.definition() for secret in args.container_secrets],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": self.log_group.name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": "app",
                },
            },
        }
        self.task_definition = aws.ecs.TaskDefinition(
            children.name(TASK_DEFINITION),
            family=args.names.task_family,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory),
            execution_role_arn=args.execution_role.role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=dict(args.tags),
            opts=children.options(TASK_DEFINITION),
        )
        self.register_outputs(
            {
                "taskDefinitionArn": self.task_definition.arn,
                "family": self.task_definition.family,
            }
        )
