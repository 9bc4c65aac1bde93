"""IAM: no wildcard access to secrets, execution roles trusted by ECS tasks of this account only,
every secret read by an execution role that reads nothing else."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

from pack_support import (
    IDENTITY_POLICIES,
    ROLE,
    ROLE_POLICY,
    SECRET,
    as_list,
    called,
    depends_on,
    known,
    policy_document,
    replica_arns,
)
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _touches_secrets(action: str) -> bool:
    action = action.lower()
    return (
        action.startswith("secretsmanager:")
        or fnmatchcase("secretsmanager:getsecretvalue", action)
        or fnmatchcase("kms:decrypt", action)
    )


def _grants_every_secrets_action(action: str) -> bool:
    """`*`, `secretsmanager:*`, `secrets*`: one trailing wildcard over a service-name prefix."""
    head = action.lower()[:-1]
    return (
        action.endswith("*")
        and "*" not in head
        and "?" not in head
        and "secretsmanager:".startswith(head)
    )


def wildcard_secret_grants(document: dict) -> list[str]:
    """What in an identity policy grants Secrets Manager or kms:Decrypt too widely."""
    problems = []
    for statement in as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = [a for a in as_list(statement.get("Action")) if isinstance(a, str)]
        if "NotAction" in statement:
            problems.append("NotAction grants every action not listed, Secrets Manager included")
        for action in actions:
            if _grants_every_secrets_action(action):
                problems.append(f"action {action} grants every Secrets Manager action")
        if not any(_touches_secrets(action) for action in actions):
            continue
        if "NotResource" in statement:
            problems.append("NotResource with Secrets Manager or kms:Decrypt actions")
        for resource in as_list(statement.get("Resource")):
            if isinstance(resource, str) and ("*" in resource or "?" in resource):
                problems.append(f"resource {resource} is a wildcard or prefix")
    return problems


def _no_wildcard_secret_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in IDENTITY_POLICIES:
        return
    document = policy_document(known(args.props, "policy"))
    if document is None:
        return  # not a document yet (a preview builds it from ARNs not known): judged at `up`
    for problem in wildcard_secret_grants(document):
        report(
            f"policy {called(args)}: {problem}; grant "
            "secretsmanager:GetSecretValue/DescribeSecret on exact secret ARNs "
            "(ApplicationSecrets.grant_read) and kms:Decrypt on one key"
        )


def _trusts_ecs_tasks(document: dict) -> bool:
    return "ecs-tasks.amazonaws.com" in json.dumps(document)


def trust_problems(document: dict) -> list[str]:
    problems = []
    for statement in as_list(document.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal != {"Service": "ecs-tasks.amazonaws.com"}:
            problems.append(f"principal {json.dumps(principal)} besides ecs-tasks.amazonaws.com")
        conditions = statement.get("Condition", {})
        if not any("aws:SourceAccount" in tests for tests in conditions.values()):
            problems.append("no aws:SourceAccount condition (confused deputy)")
    return problems


def _execution_role_trust(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != ROLE:
        return
    document = policy_document(args.props.get("assumeRolePolicy"))
    if document is None or not _trusts_ecs_tasks(document):
        return
    for problem in trust_problems(document):
        report(
            f"ECS execution role {called(args)}: {problem}; trust only ecs-tasks.amazonaws.com "
            "with aws:SourceAccount = this account"
        )


def _grant_problems(args: StackValidationArgs) -> list[tuple[str, str | None]]:
    secrets = [r for r in args.resources if r.resource_type == SECRET]
    by_arn = {arn: r for r in secrets if isinstance(arn := known(r.props, "arn"), str)}
    # A replica is the same secret in another region: granting it is granting the secret.
    replicas = {replica: secret for secret in by_arn.values() for replica in replica_arns(secret)}
    execution_roles = [
        r
        for r in args.resources
        if r.resource_type == ROLE
        and (doc := policy_document(known(r.props, "assumeRolePolicy")))
        and _trusts_ecs_tasks(doc)
    ]
    role_names = {known(r.props, "name") for r in execution_roles}
    role_urns = {r.urn for r in execution_roles}
    readable: set[str] = set()
    problems: list[tuple[str, str | None]] = []
    for policy in (r for r in args.resources if r.resource_type == ROLE_POLICY):
        on_role = {d.urn for d in depends_on(policy, "role", ROLE)}
        if known(policy.props, "role") not in role_names and not on_role & role_urns:
            continue
        # What the policy is built from names the secrets it reads, known in a preview too.
        readable |= {d.urn for d in depends_on(policy, "policy", SECRET)}
        document = policy_document(known(policy.props, "policy"))
        for statement in as_list((document or {}).get("Statement")):
            actions = [str(a).lower() for a in as_list(statement.get("Action"))]
            if statement.get("Effect") != "Allow" or not any(
                a.startswith("secretsmanager:") for a in actions
            ):
                continue
            for resource in as_list(statement.get("Resource")):
                if resource in by_arn:
                    readable.add(by_arn[resource].urn)
                elif resource not in replicas:
                    problems.append(
                        (
                            f"execution role policy {called(policy)} grants {resource}, which is "
                            "not a secret of this stack: grant only this stack's secrets",
                            policy.urn,
                        )
                    )
    for secret in secrets:
        if secret.urn not in readable:
            problems.append(
                (
                    f"secret {called(secret)} is read by no ECS execution role: grant it "
                    "(secrets.grant_read) or remove it",
                    secret.urn,
                )
            )
    return problems


def _secrets_and_grants_match(args: StackValidationArgs, report: ReportViolation) -> None:
    for message, urn in _grant_problems(args):
        report(message, urn)


POLICIES = [
    ResourceValidationPolicy(
        name="iam-no-wildcard-secret-access",
        description="No identity policy grants Secrets Manager or kms:Decrypt on a wildcard.",
        validate=_no_wildcard_secret_access,
    ),
    ResourceValidationPolicy(
        name="ecs-execution-role-trust",
        description="ECS execution roles trust only ecs-tasks.amazonaws.com of this account.",
        validate=_execution_role_trust,
    ),
    StackValidationPolicy(
        name="secrets-and-grants-match",
        description="Every secret is readable by an execution role; grants stay in the stack.",
        validate=_secrets_and_grants_match,
    ),
]
