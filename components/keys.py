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
    part: str  # the alias's part of its logical name, beside the key's
    name: str  # alias/...


def customer_managed_key(
    children: Children,
    part: str,
    description: str,
    *,
    tags: Mapping[str, str],
    protect: bool,
    policy: pulumi.Input[str] | None = None,
    region: str | None = None,
    alias: KeyAlias | None = None,
) -> aws.kms.Key:
    key = aws.kms.Key(
        children.name(part),
        region=region,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        tags=dict(tags),
        opts=children.options(part, protect=protect),
    )
    if alias:
        aws.kms.Alias(
            children.name(alias.part),
            region=region,
            name=alias.name,
            target_key_id=key.key_id,
            opts=children.options(alias.part),
        )
    return key
