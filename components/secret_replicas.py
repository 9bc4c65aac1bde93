"""The replicas' keys: with the customer-managed key on, each replica region gets a key of its own
(Secrets Manager re-encrypts a replica with a key of its region), protected like the primary's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi_aws as aws

from components.children import Children
from stack_model.naming import StackNames


def replica_keys(
    children: Children,
    names: StackNames,
    regions: Sequence[str],
    protect: bool,
    tags: Mapping[str, str],
) -> dict[str, aws.kms.Key]:
    keys = {}
    for region in regions:
        keys[region] = aws.kms.Key(
            children.name(f"kms-key-{region}"),
            region=region,
            description=f"Encrypts the {names.prefix} application secrets' replicas in {region}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=dict(tags),
            # Deleting it would make the replica in its region unreadable.
            opts=children.options(None, protect=protect),
        )
        aws.kms.Alias(
            children.name(f"kms-alias-{region}"),
            region=region,
            name=names.secrets_key_alias,
            target_key_id=keys[region].key_id,
            opts=children.options(None),
        )
    return keys
