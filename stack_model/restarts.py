"""Redeploying the application's ECS services after a rotation, so that no task outlives one.

A task reads its credentials once, at start. Under the alternating-users rotation, the password
it holds is changed by the rotation after the next one (that rotation's setSecret works on the
user that is not AWSCURRENT, the task's), so a task started before rotation N fails its logins
from rotation N+1's setSecret on. Every successful rotation therefore forces a new deployment
of the services that read the secret: a Step Functions state machine calling ECS UpdateService
(forceNewDeployment) through the SDK integration, no function code to own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# ECS: a cluster or service name is 1-255 letters, digits, hyphens and underscores.
SERVICE = re.compile(r"([A-Za-z0-9_-]{1,255})/([A-Za-z0-9_-]{1,255})")
UPDATE_SERVICE = "arn:aws:states:::aws-sdk:ecs:updateService"


def service_arn(region: str, account: str, cluster_service: str) -> str:
    """The ARN ECS gives a service (the long form, with the cluster)."""
    cluster, service = cluster_service.split("/", 1)
    return f"arn:aws:ecs:{region}:{account}:service/{cluster}/{service}"


def restart_definition(services: Sequence[str]) -> str:
    """The state machine: one branch per service, each forcing a new deployment; the branches
    run at once, and a failed one fails the execution (an alarm can watch it)."""
    branches = []
    for index, cluster_service in enumerate(services):
        cluster, service = cluster_service.split("/", 1)
        state = f"Redeploy{index}"
        branches.append(
            {
                "StartAt": state,
                "States": {
                    state: {
                        "Type": "Task",
                        "Resource": UPDATE_SERVICE,
                        "Parameters": {
                            "Cluster": cluster,
                            "Service": service,
                            "ForceNewDeployment": True,
                        },
                        "End": True,
                    }
                },
            }
        )
    return json.dumps(
        {
            "Comment": "Redeploys the services that read the rotated secrets",
            "StartAt": "Redeploy",
            "States": {"Redeploy": {"Type": "Parallel", "Branches": branches, "End": True}},
        }
    )


def restarted_services(definition: str) -> list[str]:
    """`cluster/service` of each branch of a definition restart_definition made."""
    try:
        branches = json.loads(definition)["States"]["Redeploy"]["Branches"]
        tasks = [next(iter(b["States"].values()))["Parameters"] for b in branches]
        return [f"{t['Cluster']}/{t['Service']}" for t in tasks]
    except (ValueError, KeyError, TypeError, StopIteration):
        return []
