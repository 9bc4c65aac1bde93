"""ECS containers: credentials only through `secrets`, well-formed valueFrom, rotated credentials
and the JWT key set each read in one entry."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from pack_facts import JWT_KEY_SET_KEYS, ROTATED_TOGETHER
from pack_support import (
    CREDENTIAL_COPY,
    CREDENTIAL_NAME,
    SECRET,
    SECRETS_MANAGER_ARN,
    SECRETS_MANAGER_VALUE_FROM,
    SSM_PARAMETER_ARN,
    TASK_DEFINITION,
    as_list,
    container_definitions,
    known,
    rotations_by_secret,
    value_from_parts,
)
from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _no_credentials_in_environment(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    for container in container_definitions(args):
        for variable in as_list(container.get("environment")):
            name = variable.get("name", "") if isinstance(variable, Mapping) else ""
            if CREDENTIAL_NAME.search(name):
                report(
                    f"container {container.get('name')} sets {name} in plain `environment`: "
                    "move it to `secrets` with a valueFrom pointing at Secrets Manager"
                )


def well_formed_value_from(value_from: str) -> bool:
    return bool(
        SECRETS_MANAGER_VALUE_FROM.fullmatch(value_from) or SSM_PARAMETER_ARN.fullmatch(value_from)
    )


def _secret_references_well_formed(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TASK_DEFINITION:
        return
    for container in container_definitions(args):
        for secret in as_list(container.get("secrets")):
            value_from = secret.get("valueFrom") if isinstance(secret, Mapping) else None
            if isinstance(value_from, str) and not well_formed_value_from(value_from):
                report(
                    f"container {container.get('name')} secret {secret.get('name')}: valueFrom "
                    f"{value_from!r} is not a Secrets Manager ARN (optionally "
                    "`:<json-key>:<version-stage>:<version-id>`) or an SSM parameter ARN"
                )


class _Reference(NamedTuple):
    """One container `secrets` entry that reads Secrets Manager, in one of the stack's tasks."""

    task: PolicyResource
    container: str | None
    variable: str | None
    arn: str
    key: str | None


def _secrets_manager_references(args: StackValidationArgs) -> Iterator[_Reference]:
    for task in (r for r in args.resources if r.resource_type == TASK_DEFINITION):
        definitions = ResourceValidationArgs(
            TASK_DEFINITION, task.props, task.urn, task.name, task.opts, None
        )
        for container in container_definitions(definitions):
            for entry in as_list(container.get("secrets")):
                value_from = entry.get("valueFrom") if isinstance(entry, Mapping) else None
                if isinstance(value_from, str) and SECRETS_MANAGER_ARN.match(value_from):
                    arn, key = value_from_parts(value_from)
                    yield _Reference(task, container.get("name"), entry.get("name"), arn, key)


def _containers_read_rotated_credentials_whole(
    args: StackValidationArgs, report: ReportViolation
) -> None:
    rotations = rotations_by_secret(args)
    if not rotations:
        return
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    rotated = {known(s.props, "arn") for s in secrets if s.urn in rotations}
    for ref in _secrets_manager_references(args):
        if ref.arn in rotated and ref.key in ROTATED_TOGETHER:
            report(
                f"container {ref.container} reads {ref.variable} as the `{ref.key}` of a rotated "
                "secret on its own: a rotation between two reads pairs one user with the other's "
                "password; read the whole JSON in one variable (DATABASE_CREDENTIALS)",
                ref.task.urn,
            )
        elif ref.arn not in rotated and ref.key and CREDENTIAL_COPY.search(ref.key):
            report(
                f"container {ref.container} reads {ref.variable} from `{ref.key}` of a secret "
                "nothing rotates, while the stack rotates its credentials: that copy goes stale; "
                "read the rotated secret",
                ref.task.urn,
            )


def _jwt_key_set_read_whole(args: StackValidationArgs, report: ReportViolation) -> None:
    for ref in _secrets_manager_references(args):
        if ref.key in JWT_KEY_SET_KEYS:
            report(
                f"container {ref.container} reads {ref.variable} as the `{ref.key}` of the JWT "
                "key set on its own: ECS reads each entry separately, so a key rotation between "
                "two reads hands the task keys of two generations; read the whole secret in one "
                "variable (APP_SECRETS)",
                ref.task.urn,
            )


POLICIES = [
    ResourceValidationPolicy(
        name="ecs-no-credentials-in-environment",
        description="Credential-looking variables come through `secrets`, never `environment`.",
        validate=_no_credentials_in_environment,
    ),
    ResourceValidationPolicy(
        name="ecs-secret-references-well-formed",
        description="Every container secret's valueFrom is a well-formed Secrets Manager/SSM ARN.",
        validate=_secret_references_well_formed,
    ),
    StackValidationPolicy(
        name="containers-read-rotated-credentials-whole",
        description="No container reads a rotated credential from a copy, or its user and "
        "password one by one.",
        validate=_containers_read_rotated_credentials_whole,
    ),
    StackValidationPolicy(
        name="containers-read-the-jwt-key-set-whole",
        description="No container reads the JWT keys one by one: the key set comes in one read.",
        validate=_jwt_key_set_read_whole,
    ),
]
