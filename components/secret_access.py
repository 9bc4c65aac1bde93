"""How others reach the two secrets of an ApplicationSecrets component: a container's `secrets`
entry, which carries its grant (as CDK's `ecs.Secret.fromSecretsManager` does), and the one way
to let a principal read them, `grant_read` (CDK's `grantRead`). The component holds one
SecretAccess (composition): nothing here reaches into the component."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.where import region_of
from stack_model.policy_documents import policy_document, statement
from stack_model.rotation_scheme import RotationScheme

READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")


@dataclass(frozen=True)
class ContainerSecret:
    """One entry of an ECS container's `secrets`: an env var fed from one JSON key of a secret.
    `source` is the component holding the secret: whoever wires this entry into a task grants
    that task's execution role read access to it."""

    name: str
    value_from: pulumi.Output[str]
    source: SecretAccess

    def definition(self) -> dict:
        return {"name": self.name, "valueFrom": self.value_from}


def replica_arn(arn: str, region: str) -> str:
    """A secret's replica in `region` keeps its name and suffix: only the region part differs."""
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def read_policy_json(secret_arns: list[str], keys: list[tuple[str, str]]) -> str:
    """Reads exactly these secrets (full ARNs, no wildcard: ECS resolves `valueFrom` with
    GetSecretValue on the secret's ARN, in the task's region) and decrypts with each key only
    through Secrets Manager of that key's region (the kms:ViaService condition)."""
    statements = [statement(list(READ_ACTIONS), secret_arns, sid="ReadApplicationSecrets")]
    for index, (key_arn, region) in enumerate(keys):
        statements.append(
            statement(
                "kms:Decrypt",
                key_arn,
                sid="DecryptThroughSecretsManager"
                + ("" if index == 0 else region.replace("-", "")),
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


class Reader(Protocol):
    """Who reads the secrets: a principal, and how it holds its permission to."""

    @property
    def principal_arn(self) -> pulumi.Input[str]: ...

    def hold_read_policy(self, document: pulumi.Output[str]) -> pulumi.Resource | None:
        """Attaches the identity policy `document` (None: the principal holds its own)."""


class GrantAfterSeal(Exception):
    """A grant made after the secrets' resource policy was computed would be missing from it."""


class SecretAccess:
    """The two secrets as others reach them. Grants are collected here; the resource policy
    reads them when its document is computed, which an Output does only after the program has
    declared every resource, so a grant made anywhere in the program is in it (in a sorted,
    order-free list), and a grant after that raises instead of being silently left out."""

    def __init__(
        self,
        parent: pulumi.Resource,
        secrets: dict[str, aws.secretsmanager.Secret],
        scheme: RotationScheme,
        kms_key: aws.kms.Key | None,
        replica_keys: dict[str, aws.kms.Key],
        replica_regions: tuple[str, ...],
    ):
        self._parent, self._secrets, self._scheme = parent, secrets, scheme
        self._kms_key, self._replica_keys = kms_key, replica_keys
        self.replica_regions = replica_regions
        self._principals: list[pulumi.Output[str]] = []
        self._sealed = False

    def container_secret(
        self, env_name: str, secret: str, key: str | None, region: str | None = None
    ) -> ContainerSecret:
        """`valueFrom` = `<full secret ARN>:<json key>::` (the current version), as ECS expects,
        or the bare ARN for the whole JSON (key None); with a replica region, the replica's ARN,
        for a task that runs there. The entry carries this access: wiring it into a task grants
        the read."""
        keys = self._scheme.secret_keys().get(secret, ())
        if key is not None and key not in keys:
            raise ValueError(
                f"{env_name}: secret {secret!r} has no JSON key {key!r}; it holds {', '.join(keys)}"
            )
        arn = self._secrets[secret].arn
        if region in self.replica_regions:
            arn = arn.apply(lambda primary: replica_arn(primary, region))
        if key is None:
            # The agent fetches each valueFrom with its own GetSecretValue
            # (amazon-ecs-agent, agent/taskresource/asmsecret/asmsecret.go, Create and
            # retrieveASMSecretValue): one entry is one read, so its keys share one version.
            return ContainerSecret(env_name, arn, self)
        return ContainerSecret(env_name, pulumi.Output.concat(arn, ":", key, "::"), self)

    def replica_arns(self) -> dict[str, dict[str, pulumi.Output[str]]]:
        """Each replica region -> the ARNs of both secrets there."""
        return {
            region: {
                f"{alias}Arn": self._secrets[secret].arn.apply(
                    lambda a, r=region: replica_arn(a, r)
                )
                for secret, alias in (("app", "appSecrets"), ("db", "dbCredentials"))
            }
            for region in self.replica_regions
        }

    def read_policy(self) -> pulumi.Output[str]:
        """IAM policy JSON that reads exactly these two secrets and their replicas, and decrypts
        with exactly their keys."""
        region = region_of(self._parent)
        regions = self.replica_regions
        key_arns = [self._kms_key.arn] if self._kms_key else []
        key_arns += [self._replica_keys[r].arn for r in regions if r in self._replica_keys]

        def document(values: list) -> str:
            app, db, primary, *keys = values
            arns = [app, db] + [replica_arn(a, r) for r in regions for a in (app, db)]
            key_regions = [primary] if self._kms_key else []
            key_regions += [r for r in regions if r in self._replica_keys]
            return read_policy_json(arns, list(zip(keys, key_regions, strict=True)))

        return pulumi.Output.all(
            self._secrets["app"].arn, self._secrets["db"].arn, region, *key_arns
        ).apply(document)

    def grant_read(self, reader: Reader) -> pulumi.Resource | None:
        """Lets `reader` read both secrets: its identity policy (if it holds one of ours) and its
        place among the readers the resource policy lets through."""
        if self._sealed:
            raise GrantAfterSeal(
                "a read grant came after the secrets' resource policy was computed (inside an "
                "apply?): grant while the program declares its resources"
            )
        self._principals.append(pulumi.Output.from_input(reader.principal_arn))
        return reader.hold_read_policy(self.read_policy())

    def principals(self) -> pulumi.Output[list[str]]:
        """Every principal granted read, sorted; read once the program has declared everything
        (an apply runs after the program's synchronous body), then sealed."""

        def seal(_: object) -> pulumi.Output[list[str]]:
            self._sealed = True
            return pulumi.Output.all(*self._principals).apply(sorted)

        return pulumi.Output.from_input(0).apply(seal)


@dataclass(frozen=True)
class InlinePolicyReader:
    """A role of this program that reads the secrets through an inline policy of its own,
    `policy_name` (declared as `resource_name`, by default the policy's name)."""

    role: aws.iam.Role
    policy_name: str
    resource_name: str | None = None
    opts: pulumi.ResourceOptions | None = None

    @property
    def principal_arn(self) -> pulumi.Input[str]:
        return self.role.arn

    def hold_read_policy(self, document: pulumi.Output[str]) -> pulumi.Resource:
        return aws.iam.RolePolicy(
            self.resource_name or self.policy_name, name=self.policy_name, role=self.role.name,
            policy=document, opts=self.opts,
        )  # fmt: skip


@dataclass(frozen=True)
class TemplateHeldReader:
    """A role whose permission to read is its own template's (AWS's rotation application gives
    its function's role GetSecretValue and PutSecretValue): only the resource policy must let
    it through."""

    principal_arn: pulumi.Input[str]

    def hold_read_policy(self, document: pulumi.Output[str]) -> None:
        return None
