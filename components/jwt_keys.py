"""The JWT signing key's two slots (stack_model/rotation.py has the arithmetic): the app signs
with the current slot's key and also accepts the previous slot's, so one rotation logs nobody
out, and a token signed two rotations back stops verifying."""

from __future__ import annotations

import pulumi
import pulumi_random as random

from components.children import Children
from stack_model.rotation import JWT_SLOTS, jwt_current_slot, jwt_slot_generation

# Slot 0 is the key the stack had before the slots: same logical name and, at its first
# generation, the same keepers, so a stack created before keeps its key (and its sessions).
SLOT_ROLES = ("jwt-secret-key", "jwt-secret-key-slot-1")


def _keepers(slot: int, generation: int | None, legacy_token: str) -> dict[str, str]:
    if slot == 0:
        token = {"rotation": legacy_token}
        return token if generation == 0 else {**token, "generation": str(generation)}
    return {"generation": "none" if generation is None else str(generation)}


def jwt_keys(
    children: Children,
    *,
    generation: int,
    key_bytes: int,
    legacy_token: str,
    imported_key: pulumi.Input[str] | None,
) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """(current key, previous key), both secret. An imported key fills slot 0 until that slot's
    next generation replaces it (two rotations later)."""
    slots = []
    for slot in JWT_SLOTS:
        slot_generation = jwt_slot_generation(generation, slot)
        if slot == 0 and imported_key is not None and slot_generation == 0:
            slots.append(pulumi.Output.secret(imported_key))
            continue
        key = random.RandomBytes(
            children.name(SLOT_ROLES[slot]),
            length=key_bytes,
            keepers=_keepers(slot, slot_generation, legacy_token),
            opts=children.options(SLOT_ROLES[slot] if slot == 0 else None),
        )
        slots.append(pulumi.Output.secret(key.base64))
    current = jwt_current_slot(generation)
    return slots[current], slots[1 - current]
