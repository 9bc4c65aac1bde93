"""Stand-in for pulumi-random (bridged from hashicorp/terraform-provider-random): RandomPassword
and RandomBytes, as internal/provider/resource_password.go and resource_bytes.go define them.

- Every input forces a replacement (each attribute carries RequiresReplace), keepers included:
  a value changes exactly when one of its inputs does.
- A password honours length, the four classes and their minimums, overrideSpecial; it is drawn
  from the operating system's CSPRNG, as the provider's crypto/rand is.
- `result`, `bcryptHash`, `base64` and `hex` are secrets in the state.
"""

from __future__ import annotations

import base64
import secrets
import string

from engine.providers.server import Diff, ProviderError, StandIn, serve
from engine.providers.values import UNKNOWN, has_unknown, reveal, secret

PASSWORD = "random:index/randomPassword:RandomPassword"
BYTES = "random:index/randomBytes:RandomBytes"
# terraform-provider-random, internal/random/string.go: the default special characters.
DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
CLASSES = (
    ("lower", "minLower", string.ascii_lowercase),
    ("upper", "minUpper", string.ascii_uppercase),
    ("numeric", "minNumeric", string.digits),
    ("special", "minSpecial", None),
)
COMPUTED = {PASSWORD: ("result", "bcryptHash"), BYTES: ("base64", "hex")}
_RANDOM = secrets.SystemRandom()


def _enabled(inputs: dict, flag: str) -> bool:
    # `number` is the deprecated spelling of `numeric`; both default to true.
    if flag == "numeric" and inputs.get("number") is False:
        return False
    return inputs.get(flag, True) is not False


def password_problems(inputs: dict) -> list[tuple[str, str]]:
    length = inputs.get("length")
    if length is None:
        return [("length", "Missing required argument: length")]
    if has_unknown(inputs):
        return []
    problems = []
    if not isinstance(length, int) or length < 1:
        problems.append(("length", f"length must be at least 1, got {length}"))
    minimums = 0
    for flag, minimum, _ in CLASSES:
        count = inputs.get(minimum, 0)
        if not isinstance(count, int) or count < 0:
            problems.append((minimum, f"{minimum} must be at least 0, got {count}"))
        elif _enabled(inputs, flag):
            minimums += count
    if isinstance(length, int) and length < minimums:
        problems.append(
            ("length", f"length ({length}) must be >= the sum of the minimums ({minimums})")
        )
    if not any(_enabled(inputs, flag) for flag, _, _ in CLASSES):
        problems.append(("special", "at least one character class must be enabled"))
    return problems


def generate_password(inputs: dict) -> str:
    chars, pool = [], ""
    for flag, minimum, alphabet in CLASSES:
        if not _enabled(inputs, flag):
            continue
        alphabet = alphabet or inputs.get("overrideSpecial") or DEFAULT_SPECIAL
        chars += [_RANDOM.choice(alphabet) for _ in range(inputs.get(minimum, 0))]
        pool += alphabet
    chars += [_RANDOM.choice(pool) for _ in range(inputs["length"] - len(chars))]
    _RANDOM.shuffle(chars)
    return "".join(chars)


class RandomStandIn(StandIn):
    name = "random"

    def __init__(self):
        from engine.layout import sdk_plugin

        self.version = sdk_plugin("pulumi_random")[1]

    def check(self, type_, urn, olds, news):
        if type_ == PASSWORD:
            return news, password_problems(reveal(news))
        if type_ == BYTES:
            length = news.get("length")
            if length is None:
                return news, [("length", "Missing required argument: length")]
            if not has_unknown(length) and (not isinstance(length, int) or length < 1):
                return news, [("length", f"length must be at least 1, got {length}")]
            return news, []
        raise ProviderError(f"the random stand-in does not emulate {type_}")

    def diff(self, type_, urn, id_, olds, news, old_inputs):
        changed = {}
        before, after = reveal(old_inputs), reveal(news)
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                changed[name] = (
                    "add" if name not in before else "delete" if name not in after else "update"
                )
        return Diff(changed=changed, replaces=list(changed))

    def create(self, type_, urn, inputs, preview):
        if preview:
            return "", {**inputs, **{name: UNKNOWN for name in COMPUTED[type_]}}
        plain = reveal(inputs)
        if type_ == PASSWORD:
            import bcrypt

            result = generate_password(plain)
            hashed = bcrypt.hashpw(result.encode(), bcrypt.gensalt(10)).decode()
            return "none", {**inputs, "result": secret(result), "bcryptHash": secret(hashed)}
        data = secrets.token_bytes(plain["length"])
        computed = {"base64": base64.b64encode(data).decode(), "hex": data.hex()}
        return "none", {**inputs, **{k: secret(v) for k, v in computed.items()}}

    def read(self, type_, urn, id_, state, inputs):
        return id_, state, inputs or {k: v for k, v in state.items() if k not in COMPUTED[type_]}

    def update(self, type_, urn, id_, olds, news, old_inputs, preview):
        # Only reached for a change of nothing but secretness: every real change replaces.
        return {**olds, **news}

    def delete(self, type_, urn, id_, state):
        return None


if __name__ == "__main__":
    serve(RandomStandIn())
