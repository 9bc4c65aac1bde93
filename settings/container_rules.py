"""What the container settings accept: the image, Fargate's CPU and memory pairs, log retention,
and the secrets mapped into the container (the scheme's own, and what config adds)."""

from __future__ import annotations

import re

from settings.declarations import FARGATE_CPU_UNITS, LOG_RETENTION_DAYS
from settings.model import ContainerSettings, SecretMapping
from settings.schema import Reader
from stack_model.rotation_scheme import RotationScheme

# Every pattern here is used with fullmatch: `$` would let a trailing newline through.
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
IMAGE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}")
# Fargate's CPU units -> memory (MiB) it accepts with them.
FARGATE_MEMORY = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
assert tuple(FARGATE_MEMORY) == FARGATE_CPU_UNITS


def container_secrets(reader: Reader, scheme: RotationScheme) -> tuple[SecretMapping, ...]:
    """The scheme's mappings, then what `containerSecrets` adds (never replaces)."""
    mappings = [SecretMapping(*base) for base in scheme.container_secrets]
    keys = scheme.secret_keys()
    accepted = (
        '"ENV_VAR=app:<key>" or "ENV_VAR=db:<key>" with a new env var name '
        "(letters, digits, underscores, not starting with a digit); app keys: "
        + ", ".join(keys["app"])
        + "; db keys: "
        + ", ".join(keys["db"])
    )
    for entry in reader.value("containerSecrets") or []:
        env_name, _, reference = entry.partition("=") if isinstance(entry, str) else ("", "", "")
        secret, _, key = reference.partition(":")
        taken = {mapping.env_name for mapping in mappings}
        if (
            not ENV_NAME_PATTERN.fullmatch(env_name)
            or env_name in taken
            or key not in keys.get(secret, ())
        ):
            reader.problem("containerSecrets", entry, accepted)
        elif problem := scheme.entry_problem(secret, key):
            reader.problem("containerSecrets", entry, problem)
        else:
            mappings.append(SecretMapping(env_name, secret, key))
    return tuple(mappings)


def container_settings(reader: Reader, scheme: RotationScheme) -> ContainerSettings:
    image = reader.matching("containerImage", IMAGE_PATTERN)
    cpu = reader.value("containerCpu")
    memory = reader.value("containerMemory")
    if cpu is not None and cpu not in FARGATE_MEMORY:
        reader.problem("containerCpu", cpu)
    elif cpu is not None and memory is not None and memory not in FARGATE_MEMORY[cpu]:
        options = FARGATE_MEMORY[cpu]
        reader.problem(
            "containerMemory",
            memory,
            f"a Fargate memory size for {cpu} CPU units: {options[0]}-{options[-1]} "
            f"in steps of {options[1] - options[0]}",
        )
    retention = reader.value("logsRetentionInDays")
    if retention is not None and retention not in LOG_RETENTION_DAYS:
        reader.problem("logsRetentionInDays", retention)
    return ContainerSettings(
        image=image,
        cpu=cpu,
        memory=memory,
        port=reader.integer("containerPort"),
        log_retention_in_days=retention,
        secrets=container_secrets(reader, scheme),
    )
