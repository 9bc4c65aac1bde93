"""How others reach the secrets: a container's `secrets` entry and the IAM policy that lets a
role read them. Kept beside the component so each wiring carries its own grant, as CDK's
`ecs.Secret.fromSecretsManager` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi
import pulumi_aws as aws

from components.children import Children
from stack_model.policy_documents import policy_document, statement
from stack_model.secret_shapes import secret_keys

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


class SecretAccess:
    """How others reach the two secrets of an ApplicationSecrets component (mixed into it): the
    attributes below are the component's."""

    app_secrets: aws.secretsmanager.Secret
    db_credentials: aws.secretsmanager.Secret
    kms_key: aws.kms.Key | None
    replica_regions: tuple[str, ...]
    managed_rotation: bool
    replica_keys: dict[str, aws.kms.Key]
    _readers: list[pulumi.Output[str]]
    _children: Children

    def container_secret(
        self, env_name: str, secret: str, key: str | None, region: str | None = None
    ) -> ContainerSecret:
        """`valueFrom` = `<full secret ARN>:<json key>::` (the current version), as ECS expects,
        or the bare ARN for the whole JSON (key None); with a replica region, the replica's ARN,
        for a task that runs there. The entry carries this component: wiring it into a task
        grants the read."""
        keys = secret_keys(self.managed_rotation).get(secret, ())
        if key is not None and key not in keys:
            raise ValueError(
                f"{env_name}: secret {secret!r} has no JSON key {key!r}; it holds {', '.join(keys)}"
            )
        arn = {"app": self.app_secrets, "db": self.db_credentials}[secret].arn
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
                "appSecretsArn": self.app_secrets.arn.apply(lambda a, r=region: replica_arn(a, r)),
                "dbCredentialsArn": self.db_credentials.arn.apply(
                    lambda a, r=region: replica_arn(a, r)
                ),
            }
            for region in self.replica_regions
        }

    def read_policy(self) -> pulumi.Output[str]:
        """IAM policy JSON that reads exactly these two secrets and their replicas, and decrypts
        with exactly their keys (components/secret_access.py)."""
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        regions = self.replica_regions
        key_arns = [self.kms_key.arn] if self.kms_key else []
        key_arns += [self.replica_keys[r].arn for r in regions if r in self.replica_keys]

        def document(values: list) -> str:
            app, db, primary, *keys = values
            arns = [app, db] + [replica_arn(a, r) for r in regions for a in (app, db)]
            key_regions = [primary] if self.kms_key else []
            key_regions += [r for r in regions if r in self.replica_keys]
            return read_policy_json(arns, list(zip(keys, key_regions, strict=True)))

        return pulumi.Output.all(
            self.app_secrets.arn, self.db_credentials.arn, region, *key_arns
        ).apply(document)

    def grant_read(
        self,
        role: aws.iam.Role,
        policy_name: str,
        opts: pulumi.ResourceOptions | None = None,
        resource_name: str | None = None,
    ) -> aws.iam.RolePolicy:
        """Lets `role` read both secrets: an inline policy `policy_name` on the role (declared as
        `resource_name`, by default the policy's name)."""
        self._readers.append(role.arn)
        return aws.iam.RolePolicy(
            resource_name or policy_name,
            name=policy_name,
            role=role.name,
            policy=self.read_policy(),
            opts=opts,
        )

    def let_through(self, principal_arn: pulumi.Input[str]) -> None:
        """Keeps `principal_arn` out of the resource policy's deny (the rotation function's role,
        which holds its grant from its own template)."""
        self._readers.append(pulumi.Output.from_input(principal_arn))

    def attach_resource_policies(self, administrator_role_arn: str | None) -> None:
        """Each secret's resource policy, once every reader is granted: public policies blocked,
        and with an administrator role every other principal denied (secret_access.py)."""
        account = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        document = pulumi.Output.all(account, *self._readers).apply(
            lambda v: resource_policy_json(v[0], list(v[1:]), administrator_role_arn)
        )
        for role, secret in (
            ("app-secrets", self.app_secrets),
            ("db-credentials", self.db_credentials),
        ):
            aws.secretsmanager.SecretPolicy(
                self._children.name(f"{role}-policy"),
                secret_arn=secret.arn,
                policy=document,
                block_public_policy=True,
                opts=self._children.options(None),
            )
