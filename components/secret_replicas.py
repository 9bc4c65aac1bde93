"""The replicas' keys: with the customer-managed key on, each replica region gets a key of its own
(Secrets Manager re-encrypts a replica with a key of its region), protected like the primary's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi_aws as aws

from components.children import Children
from components.keys import KeyAlias, customer_managed_key
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
        # Deleting it would make the replica in its region unreadable.
        keys[region] = customer_managed_key(
            children,
            f"kms-key-{region}",
            f"Encrypts the {names.prefix} application secrets' replicas in {region}",
            region=region,
            tags=tags,
            protect=protect,
            alias=KeyAlias(f"kms-alias-{region}", names.secrets_key_alias),
        )
    return keys
