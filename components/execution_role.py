"""The ECS task execution role: pulls the image, writes logs, and reads exactly our secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.policy_documents import assumable_by
from components.secrets import ApplicationSecrets

# AWS's managed policy for image pull and log delivery; kept instead of hand-written permissions.
ECS_TASK_EXECUTION_POLICY_ARN = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
)


@dataclass(frozen=True)
class EcsExecutionRoleArgs:
    name_prefix: str
    # Secrets the role may read; each adds one inline policy through ApplicationSecrets.grant_read.
    readable_secrets: Sequence[ApplicationSecrets] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


def trust_policy(account_id: str, region: str) -> str:
    """ecs-tasks.amazonaws.com only, with the confused-deputy conditions AWS recommends."""
    return assumable_by(
        "ecs-tasks.amazonaws.com",
        {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{region}:{account_id}:*"},
        },
        sid="EcsTasksOfThisAccount",
    )


class EcsExecutionRole(pulumi.ComponentResource):
    role: aws.iam.Role
    secret_policies: list[aws.iam.RolePolicy]

    def __init__(
        self,
        name: str,
        args: EcsExecutionRoleArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("programador-musical:ecs:ExecutionRole", name, None, opts)
        children = Children(self, name, args.name_prefix)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        role_name = f"{args.name_prefix}-ecs-execution-role"

        self.role = aws.iam.Role(
            children.name("role"),
            name=role_name,
            description=f"ECS task execution role of {args.name_prefix}",
            assume_role_policy=pulumi.Output.all(account_id, region).apply(
                lambda values: trust_policy(*values)
            ),
            tags=dict(args.tags),
            opts=children.options("ecs-execution-role"),
        )
        aws.iam.RolePolicyAttachment(
            children.name("task-execution-policy"),
            role=self.role.name,
            policy_arn=ECS_TASK_EXECUTION_POLICY_ARN,
            opts=children.options("ecs-execution-role-task-execution"),
        )
        policy_name = f"{args.name_prefix}-ecs-execution-secrets"
        suffixes = [
            "" if index == 0 else f"-{index}" for index in range(len(args.readable_secrets))
        ]
        self.secret_policies = [
            secrets.grant_read(
                self.role,
                f"{policy_name}{suffix}",
                opts=children.options(f"ecs-execution-secrets{suffix}"),
                resource_name=children.name(f"read-secrets{suffix}"),
            )
            for suffix, secrets in zip(suffixes, args.readable_secrets, strict=True)
        ]
        self.register_outputs({"roleArn": self.role.arn, "roleName": self.role.name})
