"""The JWT key set: which key signs, which verify, and which key slot holds each generation.
Free of Pulumi, so the secrets component, the settings, the operations CLI and the fleet proof
share one copy.

Generation N (the `jwtKeyGeneration` counter) signs with K(N) and accepts K(N-1), K(N) and
K(N+1): the next key is published one rotation before anything signs with it, as key-set
rollovers do (add, let every verifier have it, then switch). During the rolling deployment
after N -> N+1, a task still at N already accepts K(N+1), and a new task still accepts K(N).

Three slots hold the set; slot s holds the generation g of {N-1, N, N+1} with g = s mod 3, and
is regenerated when that generation changes. So N -> N+1 regenerates exactly one slot (K(N-1)
becomes K(N+2)), and N -> N+3 (an emergency) regenerates all three, logging everyone out.
"""

from __future__ import annotations

from dataclasses import dataclass

JWT_SLOTS = (0, 1, 2)
# What a rotation adds to jwtKeyGeneration: one step keeps every session; after a leak, a jump
# that leaves no key of the set in place.
ROTATION_STEP = 1
EMERGENCY_STEP = len(JWT_SLOTS)
# The JSON keys of app-secrets that hold the set, and the generation that signs.
SIGNING_KEY = "jwt_secret_key"
PREVIOUS_KEY = "jwt_secret_key_previous"
NEXT_KEY = "jwt_secret_key_next"
GENERATION_KEY = "jwt_key_generation"
JWT_KEYS = (SIGNING_KEY, PREVIOUS_KEY, NEXT_KEY)
# The generation each JSON key holds, relative to the signing one.
OFFSETS = {PREVIOUS_KEY: -1, SIGNING_KEY: 0, NEXT_KEY: 1}


def slot_generation(generation: int, slot: int) -> int:
    """The generation of {N-1, N, N+1} that `slot` holds at generation N (-1 at N = 0: the
    previous key of a stack that has never rotated)."""
    for offset in (-1, 0, 1):
        if (generation + offset) % len(JWT_SLOTS) == slot:
            return generation + offset
    raise ValueError(f"no slot {slot}")


def slot_of(generation: int) -> int:
    return generation % len(JWT_SLOTS)


def regenerated_slots(before: int, after: int) -> set[int]:
    """The slots whose key a change of jwtKeyGeneration from `before` to `after` replaces."""
    return {s for s in JWT_SLOTS if slot_generation(before, s) != slot_generation(after, s)}


# The stacks made before the key set had two slots, named by the parity of the generation they
# held: the newest even generation in `jwt-secret-key` (the key the stack had before
# generations), the newest odd one in `jwt-secret-key-slot-1` (stack_model/logical_names.py,
# JWT_TWO_SLOT_PARTS). Each key of the set carries the keepers the two-slot scheme gave its
# generation, and, while its generation is one the two slots held, an alias to the slot that
# held it: a stack upgraded at generation N keeps K(N) and K(N-1), so nobody is logged out, and
# only K(N+1) is new.


def keepers(generation: int, legacy_token: str) -> dict[str, str]:
    """pulumi-random keepers of the key of `generation`: those the two-slot scheme gave it
    (the even slot also kept the `rotationJwt` token, and generation 0 only that)."""
    if generation % 2 == 0:
        token = {"rotation": legacy_token}
        return token if generation == 0 else {**token, "generation": str(generation)}
    return {"generation": "none" if generation < 0 else str(generation)}


@dataclass(frozen=True)
class KeySet:
    """What generation N's application holds: the key it signs with, and every key it
    accepts (values may be Pulumi Outputs)."""

    generation: int
    signing: object
    previous: object
    next: object

    def json_fields(self) -> dict:
        return {
            SIGNING_KEY: self.signing,
            PREVIOUS_KEY: self.previous,
            NEXT_KEY: self.next,
            GENERATION_KEY: self.generation,
        }
