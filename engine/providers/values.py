"""Property values as the engine sends them to a provider (a protobuf Struct, with Pulumi's
special objects: sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue): a secret is an
object carrying the secret signature and a `value`; an unknown (a preview's not-yet-known
output) is a sentinel string."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2

SIGNATURE = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def from_struct(message: struct_pb2.Struct | None) -> dict:
    if message is None:
        return {}
    return _whole(json_format.MessageToDict(message))


def to_struct(values: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def _whole(value: Any) -> Any:
    """Struct numbers are doubles; a whole one is an integer to every AWS API here."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIGNATURE) == SECRET_SIGNATURE


def secret(value: Any) -> dict:
    return value if is_secret(value) else {SIGNATURE: SECRET_SIGNATURE, "value": value}


def reveal(value: Any) -> Any:
    """The value with every secret wrapper removed (for an AWS call, or a comparison)."""
    if is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {key: reveal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reveal(item) for item in value]
    return value


def has_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(has_unknown(item) for item in value)
    return False


def secret_like(template: Any, value: Any) -> Any:
    """`value` wrapped as a secret when `template` (the input it echoes) was one."""
    return secret(value) if is_secret(template) else value
