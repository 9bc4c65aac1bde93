"""Project defaults merged into a stack's config and validated as `pulumi preview` does before it
runs anything (pulumi/pulumi pkg/workspace/config.go: mergeConfig, validateStackConfigValues,
validateStackConfigValue), then the config map and secret keys the language host hands the program
(pkg/resource/deploy/source_eval.go, Iterate: `Config.Decrypt`, `Config.SecureKeys`)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.pulumi_cli.config_values import (
    ConfigMap,
    Key,
    Value,
    from_raw,
    go_json,
    map_get,
    map_set,
    namespaced_key,
    plaintext,
    secure_keys,
)
from harness.pulumi_cli.workspace import Project, infer_full_type_name, validate_config_value


class StackConfigError(ValueError):
    """The CLI refuses the stack's config; the message is the CLI's. `key` names the declared key
    whose value is refused, when one is."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


class UnreadableSecret(ValueError):
    """An encrypted value the offline harness holds no key for."""


@dataclass
class Crypter:
    """Encrypts as Pulumi's test crypter does (sdk/go/common/resource/config/crypt.go,
    base64Crypter: base64 of the text), marked so the harness can tell its own ciphertexts from
    a real secrets provider's, which it cannot read."""

    prefix: str = "offline-synth:"

    def encrypt(self, text: str) -> str:
        return self.prefix + base64.b64encode(text.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        if not ciphertext.startswith(self.prefix):
            raise UnreadableSecret(ciphertext)
        try:
            return base64.b64decode(ciphertext[len(self.prefix) :], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise UnreadableSecret(ciphertext) from None


BASE64_CRYPTER = Crypter(prefix="")


def _missing_keys_error(keys: list[str], stack: str) -> StackConfigError:
    """config.go, missingStackConfigurationKeysError and formatMissingKeys."""
    if len(keys) == 1:
        listed = f"'{keys[0]}'"
    else:
        keys = sorted(keys)
        listed = ", ".join(f"'{k}'" for k in keys[:-2])
        listed = (listed + ", " if listed else "") + f"'{keys[-2]}' and '{keys[-1]}'"
    plural = "values" if len(keys) > 1 else "value"
    return StackConfigError(f"Stack '{stack}' is missing configuration {plural} {listed}")


def _default_value(raw: object) -> Value:
    """config.go, createConfigValue: primitives as text, anything else as a JSON object."""
    if isinstance(raw, bool):
        return Value("true" if raw else "false")
    if isinstance(raw, str | int):
        return Value(str(raw))
    return Value(go_json(from_raw(raw)), object=True)


def merge_and_validate(
    stack: str,
    project: Project,
    config: ConfigMap,
    decrypt: Callable[[str], str],
) -> None:
    """config.go, mergeConfig (without ESC environments) with validate=true, on `config` in
    place.

    An encrypted value the harness cannot read offline is not type-checked (the CLI would check
    it with the real secrets provider); `program_config` reports it."""
    missing: list[str] = []
    for name in sorted(project.config):
        spec = project.config[name]
        key = namespaced_key(project.name, name)
        _, found = map_get(config, key, True)
        if (
            not found
            and not spec.has_value
            and not spec.has_default
            and key.namespace == project.name
        ):
            missing.append(name)
            continue
        if not found and (spec.has_value or spec.has_default):
            map_set(
                config, key, _default_value(spec.default if spec.has_default else spec.value), True
            )
    if missing:
        raise _missing_keys_error(missing, stack)
    for name in sorted(project.config):
        spec = project.config[name]
        key = namespaced_key(project.name, name)
        value, _ = map_get(config, key, True)
        if spec.type is None:
            continue
        value = value or Value("")
        # validateStackConfigValue
        if spec.secret and not value.secure:
            raise StackConfigError(
                f"Stack '{stack}' with configuration key '{name}' must be encrypted as it's secret",
                name,
            )
        try:
            text = plaintext(value, decrypt)
        except UnreadableSecret:
            continue
        content = json.loads(text) if value.object else text
        if not validate_config_value(spec.type, spec.items, content):
            raise StackConfigError(
                f"Stack '{stack}' with configuration key '{name}' must be of type "
                f"'{infer_full_type_name(spec.type, spec.items)}'",
                name,
            )


@dataclass
class ProgramConfig:
    """What the Python language host passes the program: PULUMI_CONFIG and
    PULUMI_CONFIG_SECRET_KEYS (sdk/python/cmd/pulumi-language-python/main.go, Run)."""

    values: dict[str, str]
    secret_keys: list[str]
    unreadable: list[str] = field(default_factory=list)


def program_config(
    config: ConfigMap, decrypt: Callable[[str], str], placeholder: Callable[[Key], str]
) -> ProgramConfig:
    values, unreadable = {}, []
    for key, value in sorted(config.items()):
        try:
            values[str(key)] = plaintext(value, decrypt)
        except UnreadableSecret:
            values[str(key)] = placeholder(key)
            unreadable.append(str(key))
    return ProgramConfig(values, [str(k) for k in secure_keys(config)], unreadable)
