"""Before `rotate-db` rotates: are tasks still running that read their credentials before the last
rotation? Their user is the one this rotation's setSecret changes, so their logins would fail
(docs/rotation.md, the one requirement on tasks). The services are the ones the stack redeploys
after each rotation (rotationRestartServices), read from its state machine; without one, the CLI
cannot see the tasks and says so."""

from __future__ import annotations

from manage_secrets.errors import CliError
from stack_model.naming import StackNames
from stack_model.restarts import restarted_services


def redeployed_services(aws, names: StackNames) -> list[str] | None:
    """The services the stack redeploys, or None when it redeploys none."""
    account = aws.call(lambda: aws.client("sts").get_caller_identity()["Account"])
    arn = f"arn:aws:states:{aws.region}:{account}:stateMachine:{names.restart_state_machine}"
    sfn = aws.client("stepfunctions")
    try:
        found = aws.call(lambda: sfn.describe_state_machine(stateMachineArn=arn), arn)
    except CliError:
        return None
    return restarted_services(found.get("definition", ""))


def task_start_times(aws, cluster_service: str) -> list | None:
    """When each running task of the service started (None: no such service). A task still
    starting has no start time yet, and counts as starting now."""
    cluster, service = cluster_service.split("/", 1)
    ecs = aws.client("ecs")
    pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, serviceName=service)
    started: list = []
    try:
        arns = aws.call(lambda: [arn for page in pages for arn in page.get("taskArns", [])])
        for first in range(0, len(arns), 100):  # DescribeTasks takes 100 at most
            described = aws.call(
                lambda batch=arns[first : first + 100]: ecs.describe_tasks(
                    cluster=cluster, tasks=batch
                )
            )
            started += [task.get("startedAt") for task in described["tasks"]]
    except CliError:
        return None
    return started


def tasks_started_before(aws, cluster_service: str, moment) -> int | None:
    """How many running tasks of the service started before `moment` (None: no such service)."""
    started = task_start_times(aws, cluster_service)
    if started is None:
        return None
    return sum(1 for at in started if at is not None and at < moment)


def warnings(aws, names: StackNames, last_rotated) -> list[str]:
    """What to say before rotating, given when the last rotation finished (None: never)."""
    if last_rotated is None:
        return []
    services = redeployed_services(aws, names)
    if services is None:
        return [
            f"the last rotation was at {last_rotated:%Y-%m-%d %H:%M}, and nothing redeploys the "
            "services after one (rotationRestartServices): tasks started before it fail their "
            "logins once this rotation changes their user's password; redeploy them first"
        ]
    found = []
    for service in services:
        stale = tasks_started_before(aws, service, last_rotated)
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
