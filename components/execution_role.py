"""The ECS task execution role: pulls the image, writes logs, and reads exactly our secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.secret_access import InlinePolicyReader, SecretAccess
from components.where import account_of, region_of
from settings.model import Settings
from stack_model.logical_names import EXECUTION_ROLE, READ_SECRETS, ROLE, TASK_EXECUTION_POLICY
from stack_model.naming import StackNames
from stack_model.policy_documents import ECS_TASK_EXECUTION_POLICY_ARN, ecs_execution_trust_policy


@dataclass(frozen=True, kw_only=True)
class EcsExecutionRoleArgs:
    names: StackNames
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> EcsExecutionRoleArgs:
        return cls(names=settings.names, tags=settings.tags)


class EcsExecutionRole(pulumi.ComponentResource):
    """The role, AWS's managed execution policy, and one inline read policy per secrets
    component a task wires into its containers (`allow_reading`, called by the task)."""

    role: aws.iam.Role
    secret_policies: list[aws.iam.RolePolicy]

    def __init__(
        self,
        name: str,
        args: EcsExecutionRoleArgs,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(EXECUTION_ROLE.type, name, None, opts)
        self._names = args.names
        self._children = Children(self, name, args.names.prefix)
        self._readable: list[SecretAccess] = []
        self.secret_policies = []
        account_id, region = account_of(self), region_of(self)
        self.role = aws.iam.Role(
            self._children.name(ROLE),
            name=args.names.execution_role,
            description=args.names.execution_role_description,
            assume_role_policy=pulumi.Output.all(account_id, region).apply(
                lambda values: ecs_execution_trust_policy(*values)
            ),
            tags=dict(args.tags),
            opts=self._children.options(ROLE),
        )
        aws.iam.RolePolicyAttachment(
            self._children.name(TASK_EXECUTION_POLICY),
            role=self.role.name,
            policy_arn=ECS_TASK_EXECUTION_POLICY_ARN,
            opts=self._children.options(TASK_EXECUTION_POLICY),
        )
        self.register_outputs({"roleArn": self.role.arn, "roleName": self.role.name})

    def allow_reading(self, access: SecretAccess) -> None:
        """Grants read on one component's secrets once, however many containers or entries use
        them: an inline policy of this role, through the secrets' `grant_read`."""
        if any(access is known for known in self._readable):
            return
        part = f"{READ_SECRETS}-{len(self._readable)}" if self._readable else READ_SECRETS
        suffix = part.removeprefix(READ_SECRETS)
        self._readable.append(access)
        reader = InlinePolicyReader(
            self.role,
            f"{self._names.execution_secrets_policy}{suffix}",
            self._children.name(part),
            self._children.options(part),
        )
        self.secret_policies.append(access.grant_read(reader))
