"""The JWT rollover as the application sees it: it signs with SECRET_KEY and verifies with
SECRET_KEY, then SECRET_KEY_PREVIOUS (PyJWT, HS256). The keys come from synthesized renders of
the stack at consecutive jwtKeyGeneration values."""

from __future__ import annotations

import json

import jwt

APP_SECRETS = "programador-musical-production-app-secrets"


def keys_at(generation: int) -> tuple[str, str]:
    """(SECRET_KEY, SECRET_KEY_PREVIOUS) of the stack at `generation`."""
    from tools.synth import synthesize

    result = synthesize("production", {"jwtKeyGeneration": str(generation)}, show_secrets=True)
    values = json.loads(result.version_of(APP_SECRETS)["inputs"]["secretString"])
    return values["jwt_secret_key"], values["jwt_secret_key_previous"]


def sign(keys: tuple[str, str], subject: str) -> str:
    return jwt.encode({"sub": subject}, keys[0], algorithm="HS256")


def verifies(keys: tuple[str, str], token: str) -> bool:
    for key in keys:
        try:
            jwt.decode(token, key, algorithms=["HS256"])
            return True
        except jwt.InvalidSignatureError:
            continue
    return False


def prove_rollover(start_generation: int) -> str:
    """Signs at generation g and checks the token at g, g + 1 and g + 2."""
    at = [keys_at(start_generation + step) for step in range(3)]
    token = sign(at[0], "user-1")
    outcome = [verifies(keys, token) for keys in at]
    if outcome != [True, True, False]:
        raise AssertionError(f"JWT rollover broken: verified at g, g+1, g+2 = {outcome}")
    return (
        "jwt: a token signed at one generation verifies after one rotation and is refused after two"
    )
