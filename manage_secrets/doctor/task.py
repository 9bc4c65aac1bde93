"""`doctor`'s checks of the task definition: every `valueFrom` resolves as the ECS agent resolves
it at task start, and no container reads the JWT keys one by one."""

from __future__ import annotations

from manage_secrets.doctor.checklist import Checklist
from manage_secrets.doctor.key_set import check_one_read
from manage_secrets.errors import CliError


def check_task_definition(checklist: Checklist) -> None:
    family = checklist.names.task_family
    ecs = checklist.aws.client("ecs")
    title = f"task definition {family} is registered"
    try:
        definition = checklist.aws.call(
            lambda: ecs.describe_task_definition(taskDefinition=family), family
        )["taskDefinition"]
    except CliError as error:
        checklist.record(title, False, str(error), "run `pulumi up` for this stack")
        return
    checklist.record(title, True, definition["taskDefinitionArn"])
    for container in definition.get("containerDefinitions", []):
        for secret in container.get("secrets", []):
            _value_from(checklist, container["name"], secret["name"], secret["valueFrom"])
        check_one_read(checklist, container["name"], container.get("secrets", []))


def _value_from(checklist: Checklist, container: str, env_name: str, value_from: str) -> None:
    """Resolves valueFrom as the ECS agent does at task start: the secret (at the stage or
    version named, else AWSCURRENT), then the JSON key if one is named."""
    title = f"{container}: {env_name} resolves ({value_from})"
    fix = "point valueFrom at an existing secret and JSON key (container.secrets), pulumi up"
    if value_from.startswith("arn:aws:ssm:") or not value_from.startswith("arn:"):
        ssm = checklist.aws.client("ssm")
        name = (
            value_from.split(":parameter", 1)[-1] if value_from.startswith("arn:") else value_from
        )

        def parameter_exists() -> str:
            checklist.aws.call(lambda: ssm.get_parameter(Name=name), name)
            return "parameter exists"

        checklist.attempt(title, parameter_exists, fix)
        return
    parts = value_from.split(":")
    arn, rest = ":".join(parts[:7]), parts[7:] + ["", "", ""]
    json_key, stage, version_id = rest[:3]

    def resolve() -> str:
        values = checklist.aws.secret_json(arn, stage or None, version_id or None)
        if not json_key:
            return "secret exists"
        if json_key not in values:
            raise CliError(1, f"the secret has no JSON key {json_key!r}")
        return f"JSON key {json_key} present"

    checklist.attempt(title, resolve, fix)
