"""`doctor`'s checks of the JWT key set (stack_model/jwt_key_set.py): the generation that signs,
every key the application accepts present in app-secrets, and no container reading the keys
one by one (ECS reads each `valueFrom` with its own GetSecretValue, so two entries can come
from two generations). No key is ever printed."""

from __future__ import annotations

from manage_secrets.doctor.checklist import Checklist
from manage_secrets.errors import CliError
from stack_model.jwt_key_set import GENERATION_KEY, JWT_KEYS

FIX_MISSING = (
    "run `pulumi up` with this release: the stack writes the whole key set (a stack from before "
    "the key set has no jwt_secret_key_next)"
)


def _key_set_problem(values: dict) -> str | None:
    missing = [key for key in JWT_KEYS if not isinstance(values.get(key), str) or not values[key]]
    if missing:
        return f"missing or empty: {', '.join(missing)}"
    if len({values[key] for key in JWT_KEYS}) != len(JWT_KEYS):
        return "two keys of the set are the same key"
    if not isinstance(values.get(GENERATION_KEY), int):
        return f"no {GENERATION_KEY}"
    return None


def check_key_set(checklist: Checklist) -> None:
    secret = checklist.names.app_secrets
    if secret not in checklist.described:
        return  # its absence is already a failure

    def present() -> str:
        values = checklist.aws.secret_json(secret)
        problem = _key_set_problem(values)
        if problem:
            raise CliError(1, problem)
        return (
            f"generation {values[GENERATION_KEY]} signs; the previous, signing and next keys "
            "are present"
        )

    checklist.attempt(f"{secret} holds every JWT key the application accepts", present, FIX_MISSING)


def check_one_read(checklist: Checklist, container: str, secrets: list[dict]) -> None:
    """A container that reads a key of the set reads it with the rest: the whole app-secrets."""
    one_by_one = [
        s["name"]
        for s in secrets
        if checklist.names.app_secrets in s["valueFrom"]
        and s["valueFrom"].split(":")[7:8] in ([key] for key in JWT_KEYS)
    ]
    if one_by_one:
        checklist.record(
            f"{container} reads the JWT key set in one variable",
            False,
            f"{', '.join(one_by_one)} read single keys of {checklist.names.app_secrets}",
            "map APP_SECRETS to the whole secret (its ARN, no JSON key) and read the keys from "
            "it: docs/rotation.md, the application's contract",
        )
