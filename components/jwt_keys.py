"""The JWT key set's three slots (stack_model/jwt_key_set.py has the arithmetic and why): the app
signs with K(N) and accepts K(N-1), K(N) and K(N+1), so the tasks of a rolling deployment
accept each other's tokens, and a token signed two rotations back stops verifying."""

from __future__ import annotations

import pulumi
import pulumi_random as random

from components.children import Children
from stack_model.jwt_key_set import JWT_SLOTS, KeySet, keepers, slot_generation, two_slot_role


def _slot_options(children: Children, generation: int, signing: int) -> pulumi.ResourceOptions:
    """A key the two-slot scheme held (K(N) and K(N-1)) carries an alias to its slot there, so an
    upgraded stack keeps it; the even slot also had a name from before the logical-name change."""
    if generation not in (signing - 1, signing):
        return children.options(None)
    role = two_slot_role(generation)
    options = children.options(role if generation % 2 == 0 else None)
    return pulumi.ResourceOptions.merge(
        options, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=children.name(role))])
    )


def jwt_keys(
    children: Children,
    *,
    generation: int,
    key_bytes: int,
    legacy_token: str,
    imported_key: pulumi.Input[str] | None,
) -> KeySet:
    """Generation `generation`'s key set, every key secret. An imported key is generation 0's
    and stays in the set until two rotations later."""
    by_generation = {}
    for slot in JWT_SLOTS:
        held = slot_generation(generation, slot)
        if held == 0 and imported_key is not None:
            by_generation[held] = pulumi.Output.secret(imported_key)
            continue
        key = random.RandomBytes(
            children.name(f"jwt-key-slot-{slot}"),
            length=key_bytes,
            keepers=keepers(held, legacy_token),
            opts=_slot_options(children, held, generation),
        )
        by_generation[held] = pulumi.Output.secret(key.base64)
    return KeySet(
        generation=generation,
        signing=by_generation[generation],
        previous=by_generation[generation - 1],
        next=by_generation[generation + 1],
    )
