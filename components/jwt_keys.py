"""The JWT key set's three slots (stack_model/jwt_key_set.py has the arithmetic and why): the app
signs with K(N) and accepts K(N-1), K(N) and K(N+1), so the tasks of a rolling deployment
accept each other's tokens, and a token signed two rotations back stops verifying."""

from __future__ import annotations

import hashlib
import json

import pulumi
import pulumi_random as random

from components.children import Children
from stack_model.jwt_key_set import JWT_SLOTS, KeySet, keepers, slot_generation
from stack_model.logical_names import JWT_TWO_SLOT_PARTS


def _slot_options(children: Children, part: str, generation: int, signing: int):
    """A key the two-slot scheme held (K(N) and K(N-1)) took over the part of the slot that held
    it there, so an upgraded stack keeps it (an alias to that part, and to its own previous
    name)."""
    if generation not in (signing - 1, signing):
        return children.options(part)
    return children.options(part, formerly=JWT_TWO_SLOT_PARTS[generation % 2])


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
        part = f"jwt-key-slot-{slot}"
        key = random.RandomBytes(
            children.name(part),
            length=key_bytes,
            keepers=keepers(held, legacy_token),
            opts=_slot_options(children, part, held, generation),
        )
        by_generation[held] = pulumi.Output.secret(key.base64)
    return KeySet(
        generation=generation,
        signing=by_generation[generation],
        previous=by_generation[generation - 1],
        next=by_generation[generation + 1],
    )


def key_set_digest(key_set: KeySet) -> pulumi.Output[str]:
    """A digest of the set's keys (secret): it changes exactly when a key does."""
    keys = pulumi.Output.all(key_set.signing, key_set.previous, key_set.next)
    return pulumi.Output.secret(
        keys.apply(lambda values: hashlib.sha256(json.dumps(values).encode()).hexdigest())
    )
