"""What the first `pulumi up` after the import changes on each imported resource, property by
property, as the engine's preview shows it (tests/test_engine_adoption.py holds this to the real
engine). A change that depends on the stack's config names the key it needs (`when`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from manage_secrets.adoption.discovery import Discovery, FoundSecret
from stack_model import logical_names as logical
from stack_model.policy_documents import ecs_execution_trust_policy
from stack_model.rotation_scheme import ManualToken
from stack_model.secret_shapes import APP_SECRETS_DESCRIPTION, DB_CREDENTIALS_DESCRIPTION

# Adoption keeps the manual scheme (config.sh sets rotationManaged false): the guide's shapes.
EXPECTED = {
    "app": (ManualToken.app_secret_keys, APP_SECRETS_DESCRIPTION),
    "db": (ManualToken.db_credential_keys, DB_CREDENTIALS_DESCRIPTION),
}


SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"


@dataclass(frozen=True)
class Planned:
    type: str
    name: str  # the logical name the import file gives it
    called: str  # its name in AWS
    op: str  # "update" or "replace"
    properties: tuple[str, ...]
    when: str | None = None  # a config key that must be true for it ("!key": false)

    def line(self) -> str:
        marker = "+-" if self.op == "replace" else "~ "
        condition = ""
        if self.when:
            key = self.when.lstrip("!")
            condition = f" (with {key} {'false' if self.when.startswith('!') else 'true'})"
        return f"{marker}{self.called}: {', '.join(self.properties)}{condition}"


def _tagged(tags: dict[str, str], discovery: Discovery) -> bool:
    """The tags the stack always sets are there already."""
    names = discovery.names
    wanted = {"Project": names.app, "Environment": names.stack, "ManagedBy": "pulumi"}
    return all(tags.get(k) == v for k, v in wanted.items())


def _secret(discovery: Discovery, secret: FoundSecret, notes: list[str]) -> list[Planned]:
    role = logical.APP_SECRETS if secret.alias == "app" else logical.DB_CREDENTIALS
    name = logical.SECRETS.child(role)
    keys, description = EXPECTED[secret.alias]
    always = [p for p, differs in (
        ("description", secret.description != description),
        ("tags", not _tagged(secret.tags, discovery)),
    ) if differs]  # fmt: skip
    planned = [Planned(SECRET, name, secret.name, "update", tuple(always))] if always else []
    # The stack's own key replaces whatever encrypts it now; without one, aws/secretsmanager.
    planned.append(
        Planned(SECRET, name, secret.name, "update", ("kmsKeyId",), "kmsCustomerManagedKey")
    )
    if secret.kms_key:
        planned.append(
            Planned(SECRET, name, secret.name, "update", ("kmsKeyId",), "!kmsCustomerManagedKey")
        )
    if not secret.replica_regions:
        planned.append(
            Planned(SECRET, name, secret.name, "update", ("replicas",), "replicaRegions")
        )
    rewritten = set(keys) != set(secret.values) or any(
        note.startswith(f"{secret.name}:") for note in notes
    )
    if rewritten:
        # A version is immutable: a new value is a new version (the old stays as AWSPREVIOUS).
        called = f"{secret.name} (its value)"
        planned.append(Planned(VERSION, name, called, "replace", ("secretString",)))
    return planned


def _role(discovery: Discovery) -> list[Planned]:
    names = discovery.names
    trust = json.loads(ecs_execution_trust_policy(discovery.account, discovery.region))
    changed = [p for p, differs in (
        ("assumeRolePolicy", discovery.role_trust != trust),
        ("description", discovery.role_description != names.execution_role_description),
        ("tags", not _tagged(discovery.role_tags, discovery)),
    ) if differs]  # fmt: skip
    role = logical.EXECUTION_ROLE.child(logical.ROLE)
    planned = (
        [Planned("aws:iam/role:Role", role, names.execution_role, "update", tuple(changed))]
        if changed
        else []
    )
    if names.execution_secrets_policy in discovery.inline_policies:
        # Its statement becomes the two secrets' exact ARNs (and one key).
        policy = logical.EXECUTION_ROLE.child(logical.READ_SECRETS)
        called = names.execution_secrets_policy
        planned.append(
            Planned("aws:iam/rolePolicy:RolePolicy", policy, called, "update", ("policy",))
        )
    return planned


def planned(discovery: Discovery, notes: list[str]) -> list[Planned]:
    found = [p for secret in discovery.secrets for p in _secret(discovery, secret, notes)]
    if discovery.role_exists:
        found += _role(discovery)
    if discovery.task_definition:
        # Task definitions are immutable: a new revision; services take it on their next deploy.
        found.append(
            Planned(
                "aws:ecs/taskDefinition:TaskDefinition",
                logical.TASK.child(logical.TASK_DEFINITION),
                discovery.names.task_family,
                "replace",
                ("containerDefinitions", "tags"),
            )
        )
    return found
