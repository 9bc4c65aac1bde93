"""How others reach the secrets: a container's `secrets` entry and the IAM policy that lets a
role read them. Kept beside the component so each wiring carries its own grant, as CDK's
`ecs.Secret.fromSecretsManager` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from stack_model.policy_documents import policy_document, statement

if TYPE_CHECKING:
    from components.secrets import ApplicationSecrets

READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")


@dataclass(frozen=True)
class ContainerSecret:
    """One entry of an ECS container's `secrets`: an env var fed from one JSON key of a secret.
    `source` is the component holding the secret: whoever wires this entry into a task grants
    that task's execution role read access to it."""

    name: str
    value_from: pulumi.Output[str]
    source: ApplicationSecrets

    def definition(self) -> dict:
        return {"name": self.name, "valueFrom": self.value_from}


def read_policy_json(app_arn: str, db_arn: str, key_arn: str | None, region: str) -> str:
    """Reads exactly the two secrets (full ARNs, no wildcard: ECS resolves `valueFrom` with
    GetSecretValue on the secret's ARN) and, with a customer-managed key, decrypts through
    Secrets Manager only (the kms:ViaService condition)."""
    statements = [statement(list(READ_ACTIONS), [app_arn, db_arn], sid="ReadApplicationSecrets")]
    if key_arn:
        statements.append(
            statement(
                "kms:Decrypt",
                key_arn,
                sid="DecryptThroughSecretsManager",
                condition={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}
                },
            )
        )
    return policy_document(*statements)


def resource_policy_json(account: str, readers: list[str], administrator: str | None) -> str:
    """A secret's own policy. The account statement only delegates to the account's IAM policies
    (it grants nothing by itself); with an administrator role, every principal but the readers
    and that role is denied, whatever an IAM policy elsewhere in the account says. The
    administrator must be the identity that runs `pulumi up`, or the stack locks itself out."""
    statements = [
        statement(
            "secretsmanager:*",
            "*",
            sid="AccountDelegatesToIam",
            principal={"AWS": f"arn:aws:iam::{account}:root"},
        )
    ]
    if administrator:
        statements.append(
            statement(
                "secretsmanager:*",
                "*",
                sid="OnlyTheReadersAndTheAdministrator",
                effect="Deny",
                principal="*",
                condition={"StringNotEquals": {"aws:PrincipalArn": [*readers, administrator]}},
            )
        )
    return policy_document(*statements)
