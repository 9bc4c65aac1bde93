"""The application's Fargate task definition, whose container receives the secrets at start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.secrets import ContainerSecret


@dataclass(frozen=True, kw_only=True)
class ApplicationTaskDefinitionArgs:
    name_prefix: str
    image: str
    execution_role_arn: pulumi.Input[str]
    container_secrets: Sequence[ContainerSecret]
    cpu: int
    memory: int
    container_port: int
    log_retention_in_days: int
    # Plain settings only; anything sensitive goes through container_secrets.
    environment: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)


class ApplicationTaskDefinition(pulumi.ComponentResource):
    log_group: aws.cloudwatch.LogGroup
    task_definition: aws.ecs.TaskDefinition

    def __init__(
        self,
        name: str,
        args: ApplicationTaskDefinitionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("programador-musical:ecs:ApplicationTaskDefinition", name, None, opts)
        children = Children(self, name, args.name_prefix)
        prefix = args.name_prefix
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region

        self.log_group = aws.cloudwatch.LogGroup(
            children.name("log-group"),
            name=f"/ecs/{prefix}",
            retention_in_days=args.log_retention_in_days,
            tags=dict(args.tags),
            opts=children.options("app-logs"),
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
            children.name("task-definition"),
            family=f"{prefix}-app",
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(args.cpu),
            memory=str(args.memory),
            execution_role_arn=args.execution_role_arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=dict(args.tags),
            opts=children.options("app"),
        )
        self.register_outputs(
            {
                "taskDefinitionArn": self.task_definition.arn,
                "family": self.task_definition.family,
            }
        )
