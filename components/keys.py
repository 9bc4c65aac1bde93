"""The stack's customer-managed KMS keys, made one way: yearly rotation on, a 30-day deletion
window, protected when the stack protects what holds data (deleting a key makes everything it
encrypted unreadable), and an alias when one is named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.children import Children

DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class KeyAlias:
    role: str  # the alias's logical role, beside the key's
    name: str  # alias/...
    previous_role: str | None = None


def customer_managed_key(
    children: Children,
    role: str,
    description: str,
    *,
    tags: Mapping[str, str],
    protect: bool,
    policy: pulumi.Input[str] | None = None,
    region: str | None = None,
    alias: KeyAlias | None = None,
    previous_role: str | None = None,
) -> aws.kms.Key:
    key = aws.kms.Key(
        children.name(role),
        region=region,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        tags=dict(tags),
        opts=children.options(previous_role, protect=protect),
    )
    if alias:
        aws.kms.Alias(
            children.name(alias.role),
            region=region,
            name=alias.name,
            target_key_id=key.key_id,
            opts=children.options(alias.previous_role),
        )
    return key
