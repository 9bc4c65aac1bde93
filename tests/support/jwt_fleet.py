"""The JWT rollover under a rolling deployment: a service of TASKS tasks, each holding the keys it
read when it started, issues tokens on random tasks and verifies them (PyJWT, HS256) on random
other tasks, including tokens a few minutes old. After each rotation the tasks are replaced one
by one (the redeployment), so old and new tasks serve side by side; the next rotation comes
once the last old task is gone (`rotate-jwt` waits for it).

What a task holds is read from the stack's own app-secrets: rendered by the synth at each
generation (this tree, or a release's tree exported from git and rendered by its own harness),
or read from the emulator after a real `pulumi up` (tests/test_engine_jwt_key_set.py).

    python -m tests.support.jwt_fleet [--rotations N]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jwt

from harness.git_tree import export_commit

ROOT = Path(__file__).resolve().parents[2]
APP_SECRETS = "programador-musical-production-app-secrets"
# The last release with the two-slot scheme (SECRET_KEY and SECRET_KEY_PREVIOUS).
TWO_SLOT_RELEASE = "11fda6c"
TASKS = 6
# A tick replaces one task during a redeployment. A token lives as long as a redeployment
# takes ("a few minutes"); rotations are further apart than that (days: the steady state
# between redeployments is longer than a token's life). A token verifies while the key that
# signed it is in the set, two rotations, so its life must be shorter than a rotation interval.
TOKEN_LIFETIME = TASKS
STEADY_TICKS = 2 * TASKS
ISSUED_PER_TICK = 3
VERIFIED_PER_TICK = 12
# The key set's JSON keys, as the application reads them (docs/rotation.md, its contract).
KEY_SET = ("jwt_secret_key", "jwt_secret_key_previous", "jwt_secret_key_next")


@dataclass(frozen=True)
class Keys:
    """What one task holds: the key it signs with, and the keys it accepts."""

    signing: str
    accepted: tuple[str, ...]

    @classmethod
    def of_key_set(cls, values: dict) -> Keys:
        """The application's contract: sign with jwt_secret_key, accept every key of the set
        that is present (a stack from before the key set has no next key)."""
        return cls(values["jwt_secret_key"], tuple(values[k] for k in KEY_SET if k in values))

    @classmethod
    def of_two_slots(cls, values: dict) -> Keys:
        """The two-slot contract: SECRET_KEY signs, SECRET_KEY_PREVIOUS is also accepted."""
        return cls(
            values["jwt_secret_key"], (values["jwt_secret_key"], values["jwt_secret_key_previous"])
        )


@dataclass
class Outcome:
    verifications: int = 0
    rejected: int = 0


def _verifies(keys: Keys, token: str) -> bool:
    for key in keys.accepted:
        try:
            jwt.decode(token, key, algorithms=["HS256"])
            return True
        except jwt.InvalidSignatureError:
            continue
    return False


def run_fleet(deployments: list[Keys], seed: int = 7) -> Outcome:
    """`deployments[0]` is what the first tasks hold; each later one is rolled out task by task
    (a rotation, or an upgrade of the stack). Every token verified is one a task of the service
    issued within its lifetime: a rejection logs a user out."""
    rng = random.Random(seed)
    outcome = Outcome()
    fleet = [deployments[0]] * TASKS
    tokens: list[tuple[int, int, str]] = []  # (tick issued, issuing task, token)
    tick = 0

    def traffic() -> None:
        nonlocal tick
        tick += 1
        for _ in range(ISSUED_PER_TICK):
            issuer = rng.randrange(TASKS)
            claims = {"sub": f"user-{rng.randrange(10_000)}", "iat": tick}
            tokens.append((tick, issuer, jwt.encode(claims, fleet[issuer].signing, "HS256")))
        tokens[:] = [t for t in tokens if tick - t[0] <= TOKEN_LIFETIME]
        for _ in range(VERIFIED_PER_TICK):
            _, issuer, token = rng.choice(tokens)
            verifier = rng.choice([t for t in range(TASKS) if t != issuer])
            outcome.verifications += 1
            outcome.rejected += not _verifies(fleet[verifier], token)

    for _ in range(STEADY_TICKS):
        traffic()
    for keys in deployments[1:]:
        for replaced in range(TASKS):
            fleet[replaced] = keys
            traffic()
        for _ in range(STEADY_TICKS):
            traffic()
    return outcome


# A release's tree, rendered by its own harness in a process of its own. A one-shot process, so
# without cyclic GC, as tools/synth.py runs (a third of a synth's time goes to it otherwise).
RENDER = """
import gc; gc.disable()
import json, sys
try:
    from harness.synth import synthesize
except ImportError:  # a tree from before the harness was a package of its own
    from tools.synth import synthesize
out = {}
for generation in json.loads(sys.argv[1]):
    result = synthesize("production", {"jwtKeyGeneration": str(generation)}, show_secrets=True)
    out[generation] = json.loads(result.version_of(sys.argv[2])["inputs"]["secretString"])
print(json.dumps(out))
"""


def app_secrets_at(generations: list[int], ref: str | None = None) -> dict[int, dict]:
    """app-secrets of production at each generation, rendered by this tree (ref None, in this
    process) or by the tree of `ref`, exported from git, with its own harness."""
    if ref is None:
        from harness.synth import synthesize

        return {
            generation: json.loads(
                synthesize(
                    "production", {"jwtKeyGeneration": str(generation)}, show_secrets=True
                ).version_of(APP_SECRETS)["inputs"]["secretString"]
            )
            for generation in generations
        }
    with tempfile.TemporaryDirectory(prefix="jwt-fleet-") as directory:
        done = subprocess.run(
            [sys.executable, "-c", RENDER, json.dumps(generations), APP_SECRETS],
            cwd=export_commit(ROOT, ref, Path(directory)),
            capture_output=True,
            text=True,
            check=True,
        )
    return {int(g): values for g, values in json.loads(done.stdout).items()}


def compare(
    rotations: int, start: int = 0, key_set: dict[int, dict] | None = None
) -> tuple[Outcome, Outcome]:
    """The key set against the two-slot release, the same fleet and load; `key_set`, this
    tree's app-secrets at those generations where the caller rendered them already."""
    generations = list(range(start, start + rotations + 1))
    key_set = key_set or app_secrets_at(generations)
    two_slots = app_secrets_at(generations, TWO_SLOT_RELEASE)
    return (
        run_fleet([Keys.of_key_set(key_set[g]) for g in generations]),
        run_fleet([Keys.of_two_slots(two_slots[g]) for g in generations]),
    )


def summary(rotations: int, key_set: Outcome, two_slots: Outcome) -> str:
    return (
        f"jwt rollover: {rotations} rotations, {key_set.verifications} verifications, "
        f"{key_set.rejected} rejected (two-slot scheme: {two_slots.rejected} rejected)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.jwt_fleet", description=__doc__)
    parser.add_argument("--rotations", type=int, default=20)
    args = parser.parse_args(argv)
    key_set, two_slots = compare(args.rotations)
    print(summary(args.rotations, key_set, two_slots))
    return 0 if key_set.rejected == 0 < two_slots.rejected else 1


if __name__ == "__main__":
    sys.exit(main())
