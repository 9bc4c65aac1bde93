"""Before `rotate-db` rotates: are tasks still running that read their credentials before the last
rotation? Their user is the one this rotation's setSecret changes, so their logins would fail
(docs/rotation.md, the one requirement on tasks). The services are the ones the stack redeploys
after each rotation (rotationRestartServices), read from its state machine; without one, the CLI
cannot see the tasks and says so."""

from __future__ import annotations

from manage_secrets.errors import CliError
from stack_model.naming import StackNames
from stack_model.restarts import restarted_services


def _services(aws, names: StackNames) -> list[str] | None:
    """The services the stack redeploys, or None when it redeploys none."""
    account = aws.call(lambda: aws.client("sts").get_caller_identity()["Account"])
    arn = f"arn:aws:states:{aws.region}:{account}:stateMachine:{names.restart_state_machine}"
    sfn = aws.client("stepfunctions")
    try:
        found = aws.call(lambda: sfn.describe_state_machine(stateMachineArn=arn), arn)
    except CliError:
        return None
    return restarted_services(found.get("definition", ""))


def _tasks_started_before(aws, cluster_service: str, moment) -> int | None:
    """How many running tasks of the service started before `moment` (None: no such service)."""
    cluster, service = cluster_service.split("/", 1)
    ecs = aws.client("ecs")
    try:
        listed = aws.call(lambda: ecs.list_tasks(cluster=cluster, serviceName=service))
        arns = listed.get("taskArns", [])
        if not arns:
            return 0
        tasks = aws.call(lambda: ecs.describe_tasks(cluster=cluster, tasks=arns))["tasks"]
    except CliError:
        return None
    return sum(1 for task in tasks if task.get("startedAt") and task["startedAt"] < moment)


def warnings(aws, names: StackNames, last_rotated) -> list[str]:
    """What to say before rotating, given when the last rotation finished (None: never)."""
    if last_rotated is None:
        return []
    services = _services(aws, names)
    if services is None:
        return [
            f"the last rotation was at {last_rotated:%Y-%m-%d %H:%M}, and nothing redeploys the "
            "services after one (rotationRestartServices): tasks started before it fail their "
            "logins once this rotation changes their user's password; redeploy them first"
        ]
    found = []
    for service in services:
        stale = _tasks_started_before(aws, service, last_rotated)
        cluster, name = service.split("/", 1)
        if stale is None:
            found.append(f"{service}: no such service to check (the stack redeploys it)")
        elif stale:
            found.append(
                f"{stale} task(s) of {service} started before the last rotation "
                f"({last_rotated:%Y-%m-%d %H:%M}) still run: their logins fail once this rotation "
                f"changes their user's password; let the redeployment finish first (`aws ecs wait "
                f"services-stable --cluster {cluster} --services {name}`)"
            )
    return found
