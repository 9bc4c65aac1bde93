"""Each secret's own resource policy: public policies blocked, and with an administrator role
every principal but the readers and that role denied (secret_access.py, resource_policy_json).
Declared with the secrets; the readers are read when the document is computed, so every grant
of the program is in it whatever the order (SecretAccess.principals)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.secret_access import SecretAccess, resource_policy_json
from components.where import account_of


def attach_resource_policies(
    parent: pulumi.Resource,
    children: Children,
    access: SecretAccess,
    secrets: dict[str, aws.secretsmanager.Secret],
    administrator_role_arn: str | None,
) -> list[aws.secretsmanager.SecretPolicy]:
    """One SecretPolicy per secret (`secrets`: part -> secret)."""
    document = pulumi.Output.all(account_of(parent), access.principals()).apply(
        lambda values: resource_policy_json(values[0], list(values[1]), administrator_role_arn)
    )
    return [
        aws.secretsmanager.SecretPolicy(
            children.name(f"{part}-policy"),
            secret_arn=secret.arn,
            policy=document,
            block_public_policy=True,
            opts=children.options(f"{part}-policy"),
        )
        for part, secret in secrets.items()
    ]
