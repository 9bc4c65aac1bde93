"""The customer-managed key of the stack's log groups (production): CloudWatch Logs may use it
for exactly these log groups, the account administers it, and it is protected, since deleting it
makes every log it encrypted unreadable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.children import Children
from components.keys import KeyAlias, customer_managed_key
from components.where import account_of, region_of
from settings.model import Settings
from stack_model.logical_names import LOG_ENCRYPTION
from stack_model.naming import StackNames
from stack_model.policy_documents import account_administers_key, policy_document, statement


@dataclass(frozen=True, kw_only=True)
class LogEncryptionArgs:
    names: StackNames
    # The names of the log groups the key may encrypt (their ARNs go into its policy).
    log_groups: Sequence[str]
    protect: bool
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> LogEncryptionArgs:
        names = settings.names
        groups = [names.app_log_group]
        if settings.monitoring.create_trail:
            groups.append(names.trail_log_group)
        return cls(names=names, log_groups=groups, protect=settings.protect, tags=settings.tags)


def logs_key_policy(account: str, region: str, log_groups: Sequence[str]) -> str:
    """As AWS documents for CloudWatch Logs (Encrypt log data using AWS KMS): the regional logs
    principal, scoped by kms:EncryptionContext:aws:logs:arn to these log groups only."""
    arns = [f"arn:aws:logs:{region}:{account}:log-group:{group}" for group in log_groups]
    return policy_document(
        account_administers_key(account),
        statement(
            [
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            "*",
            sid="LogsOfThisStack",
            principal={"Service": f"logs.{region}.amazonaws.com"},
            condition={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arns}},
        ),
    )


class LogEncryption(pulumi.ComponentResource):
    key: aws.kms.Key

    def __init__(
        self, name: str, args: LogEncryptionArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__(LOG_ENCRYPTION.type, name, None, opts)
        children = Children(self, name, args.names.prefix)
        account, region = account_of(self), region_of(self)
        self.key = customer_managed_key(
            children,
            "key",
            f"Encrypts the {args.names.prefix} log groups",
            policy=pulumi.Output.all(account, region).apply(
                lambda values: logs_key_policy(values[0], values[1], list(args.log_groups))
            ),
            tags=args.tags,
            protect=args.protect,
            alias=KeyAlias("alias", args.names.logs_key_alias),
        )
        self.register_outputs({"keyArn": self.key.arn})
