"""A redeployment that `pulumi up` itself starts when a watched value changes: a new JWT key set
(components/jwt_keys.py) must reach every task before the next rotation signs with its next
key, and nothing in AWS emits an event for it that EventBridge sees without a trail.

A Pulumi dynamic provider: on an update whose watched value differs, it starts an execution of
the services' restart state machine (components/service_restarts.py) with the credentials of
whoever runs `pulumi up` (the deploying role may `states:StartExecution` on exactly it). On
create it starts nothing: a new stack's services start with the current value. The watched
value is a digest of the key set, kept secret in the state. The class is pickled by
reference: moving it out of this module needs an alias module.
"""

from __future__ import annotations

import json
import uuid

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

# Execution names: 1-80 characters (Step Functions StartExecution).
EXECUTION_PREFIX = "key-set-"


def start_restart(state_machine_arn: str, reason: str) -> str:
    """Starts the state machine; the execution's ARN."""
    import botocore.session

    region = state_machine_arn.split(":")[3]
    client = botocore.session.get_session().create_client("stepfunctions", region_name=region)
    started = client.start_execution(
        stateMachineArn=state_machine_arn,
        name=f"{EXECUTION_PREFIX}{uuid.uuid4()}",
        input=json.dumps({"reason": reason}),
    )
    return started["executionArn"]


class RestartOnChangeProvider(ResourceProvider):
    def create(self, props: dict) -> CreateResult:
        return CreateResult(id_=f"{props['stateMachineArn']}#{props['reason']}", outs=props)

    def diff(self, id_: str, olds: dict, news: dict) -> DiffResult:
        changed = [
            k for k in ("stateMachineArn", "reason", "watched") if olds.get(k) != news.get(k)
        ]
        return DiffResult(changes=bool(changed), replaces=[])

    def update(self, id_: str, olds: dict, news: dict) -> UpdateResult:
        outs = dict(news)
        if olds.get("watched") != news.get("watched"):
            outs["lastExecutionArn"] = start_restart(news["stateMachineArn"], news["reason"])
        else:
            outs["lastExecutionArn"] = olds.get("lastExecutionArn")
        return UpdateResult(outs=outs)

    def delete(self, id_: str, props: dict) -> None:
        return None  # nothing to undo: a redeployment that ran stays done


class RestartOnChange(pulumi.dynamic.Resource):
    last_execution_arn: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        state_machine_arn: pulumi.Input[str],
        reason: str,
        watched: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__(
            RestartOnChangeProvider(),
            name,
            {
                "stateMachineArn": state_machine_arn,
                "reason": reason,
                "watched": pulumi.Output.secret(watched),
                "lastExecutionArn": None,
            },
            opts,
        )
