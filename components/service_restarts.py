"""Forced redeployments of the application's ECS services after each rotation, so that no task
outlives one (stack_model/restarts.py says why): a Step Functions state machine calls ECS
UpdateService for each service, started by EventBridge when a rotation of db-credentials
succeeds, and by `pulumi up` itself when the JWT key set changes (components/restart_on_change.py).

Least privilege: the state machine may update exactly those services, and EventBridge may start
exactly that state machine; both roles are assumable only by their service, for this account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.restart_on_change import RestartOnChange
from components.where import account_of, region_of
from settings.model import Settings
from stack_model.logical_names import ROLE, SERVICE_RESTARTS
from stack_model.naming import StackNames
from stack_model.policy_documents import assumable_by, policy_document, statement
from stack_model.restarts import restart_definition, service_arn


@dataclass(frozen=True)
class Trigger:
    """An EventBridge pattern that starts the redeployment (`name` names its rule)."""

    name: str
    event_pattern: pulumi.Input[str]


@dataclass(frozen=True)
class Change:
    """A value whose change `pulumi up` answers with the redeployment, once `written` (what puts
    the new value where tasks read it) is done; `name` names the resource that watches it."""

    name: str
    watched: pulumi.Input[str]
    written: pulumi.Resource


@dataclass(frozen=True, kw_only=True)
class ServiceRestartsArgs:
    names: StackNames
    services: Sequence[str]
    triggers: Sequence[Trigger] = ()
    changes: Sequence[Change] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, settings: Settings, triggers: Sequence[Trigger], changes: Sequence[Change]
    ) -> ServiceRestartsArgs:
        return cls(
            names=settings.names,
            services=settings.restart_services,
            triggers=triggers,
            changes=changes,
            tags=settings.tags,
        )


def _trusting(service: str, account: str) -> str:
    return assumable_by(service, {"StringEquals": {"aws:SourceAccount": account}})


class ServiceRestarts(pulumi.ComponentResource):
    state_machine: aws.sfn.StateMachine

    def __init__(
        self, name: str, args: ServiceRestartsArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__(SERVICE_RESTARTS.type, name, None, opts)
        children = Children(self, name, args.names.prefix)
        account, region = account_of(self), region_of(self)
        names, tags = args.names, dict(args.tags)

        role = aws.iam.Role(
            children.name(ROLE),
            name=names.restart_role,
            assume_role_policy=account.apply(lambda a: _trusting("states.amazonaws.com", a)),
            tags=tags,
            opts=children.options(ROLE),
        )
        aws.iam.RolePolicy(
            children.name("update-services"),
            name=names.restart_role,
            role=role.name,
            policy=pulumi.Output.all(region, account).apply(
                lambda values: policy_document(
                    statement(
                        "ecs:UpdateService",
                        [service_arn(*values, s) for s in args.services],
                        sid="RedeployTheServicesThatReadTheSecrets",
                    )
                )
            ),
            opts=children.options("update-services"),
        )
        self.state_machine = aws.sfn.StateMachine(
            children.name("state-machine"),
            name=names.restart_state_machine,
            role_arn=role.arn,
            definition=restart_definition(args.services),
            tags=tags,
            opts=children.options("state-machine"),
        )
        trigger_role = aws.iam.Role(
            children.name("trigger-role"),
            name=names.restart_trigger_role,
            assume_role_policy=account.apply(lambda a: _trusting("events.amazonaws.com", a)),
            tags=tags,
            opts=children.options("trigger-role"),
        )
        aws.iam.RolePolicy(
            children.name("start-execution"),
            name=names.restart_trigger_role,
            role=trigger_role.name,
            policy=self.state_machine.arn.apply(
                lambda arn: policy_document(
                    statement("states:StartExecution", arn, sid="StartTheRedeployment")
                )
            ),
            opts=children.options("start-execution"),
        )
        for trigger in args.triggers:
            rule = aws.cloudwatch.EventRule(
                children.name(f"{trigger.name}-rule"),
                name=names.restart_rule(trigger.name),
                description=f"Redeploys the services after {trigger.name.replace('-', ' ')}",
                event_pattern=trigger.event_pattern,
                tags=tags,
                opts=children.options(f"{trigger.name}-rule"),
            )
            aws.cloudwatch.EventTarget(
                children.name(f"{trigger.name}-target"),
                rule=rule.name,
                arn=self.state_machine.arn,
                role_arn=trigger_role.arn,
                opts=children.options(f"{trigger.name}-target"),
            )
        for change in args.changes:
            RestartOnChange(
                children.name(f"{change.name}-change"),
                state_machine_arn=self.state_machine.arn,
                reason=f"{change.name.replace('-', ' ')} changed",
                watched=change.watched,
                opts=children.options(f"{change.name}-change", depends_on=[change.written]),
            )
        self.register_outputs({"stateMachineArn": self.state_machine.arn})
