"""Config keys, values and the stack's config Map, as pulumi/pulumi's Go SDK defines them
(sdk/go/common/resource/config: key.go, value.go, object.go, map.go, plaintext.go) and property
paths as sdk/go/common/resource/properties_path.go parses them.

A Value is the text of one top-level entry plus whether it is secure (ciphertext) and whether
it is an object (JSON text). Structured work happens on "objects": plain Python values where
a `Ciphertext` stands for an encrypted leaf.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


class ConfigPathError(ValueError):
    """An error the Go code returns (same text)."""


@dataclass(frozen=True, order=True)
class Key:
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}:{self.name}"


def parse_key(text: str) -> Key:
    """key.go, ParseKey: `<namespace>:<name>`, or the old `<namespace>:config:<name>`."""
    parts = text.split(":")
    if len(parts) == 2:
        return Key(parts[0], parts[1])
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return Key(parts[0], parts[2])
    raise ConfigPathError(
        f"could not parse {text} as a configuration key "
        "(configuration keys should be of the form `<namespace>:<name>`)"
    )


def namespaced_key(project: str, key: str) -> Key:
    """A key as written in Pulumi.yaml or on the command line: `<namespace>:<name>`, or a bare
    name in the project's namespace (pkg/workspace/config.go and pkg/cmd/pulumi/config/io.go,
    parseConfigKey)."""
    return parse_key(key if ":" in key else f"{project}:{key}")


@dataclass(frozen=True)
class Ciphertext:
    """object.go, CiphertextSecret: an encrypted leaf."""

    value: str


@dataclass(frozen=True)
class Value:
    """value.go, Value. `type` is set only by `pulumi config set --type`."""

    text: str
    secure: bool = False
    object: bool = False
    type: str | None = None  # None (unknown), "string", "int", "bool" or "float"


def parse_property_path(path: str, strict: bool = True) -> list[str | int]:
    """properties_path.go, parsePropertyPath."""
    elements: list[str | int] = []
    if path.startswith("."):
        raise ConfigPathError("expected property path to start with a name or index")
    while path:
        if path[0] == ".":
            path = path[1:]
            if not path:
                raise ConfigPathError("expected property path to end with a name or index")
            if path[0] == "[" and strict:
                raise ConfigPathError("expected property name after '.'")
        elif path[0] == "[":
            if len(path) > 1 and path[1] == '"':
                key, i = [], 2
                while True:
                    if i >= len(path):
                        raise ConfigPathError("missing closing quote in property name")
                    if path[i] == '"':
                        i += 1
                        break
                    if path[i] == "\\" and i + 1 < len(path) and path[i + 1] == '"':
                        key.append('"')
                        i += 2
                    else:
                        key.append(path[i])
                        i += 1
                if i >= len(path) or path[i] != "]":
                    raise ConfigPathError("missing closing bracket in property access")
                element: str | int = "".join(key)
                path = path[i:]
            else:
                end = path.find("]")
                if end == -1:
                    raise ConfigPathError("missing closing bracket in array index")
                segment = path[1:end]
                if segment == "*":
                    element = "*"
                elif re.fullmatch(r"[+-]?[0-9]+", segment):
                    element = int(segment)
                else:
                    raise ConfigPathError(
                        f'invalid array index: strconv.ParseInt: parsing "{segment}": '
                        "invalid syntax"
                    )
                path = path[end:]
            elements.append(element)
            path = path[1:]
        else:
            end = next((i for i, c in enumerate(path) if c in ".["), len(path))
            elements.append(path[:end])
            path = path[end:]
    return elements


# --- objects -------------------------------------------------------------------------------


def _go_float(number: float) -> str:
    """encoding/json's float64 format: shortest repr, exponent only outside [1e-6, 1e21)."""
    if math.isinf(number) or math.isnan(number):
        raise ConfigPathError(f"json: unsupported value: {number}")
    magnitude = abs(number)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        mantissa, exponent = repr(number).lower().replace("e+", "e").split("e")
        mantissa = mantissa.removesuffix(".0")
        return f"{mantissa}e{int(exponent):+03d}".replace("+0", "+").replace("-0", "-")
    text = format(Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def go_json(value: object) -> str:
    """encoding/json's Marshal: sorted map keys, no spaces, <>& and U+2028/9 escaped."""
    if isinstance(value, Ciphertext):
        return go_json({"secure": value.value})
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(char, escaped)
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(value, list):
        return "[" + ",".join(go_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{go_json(k)}:{go_json(value[k])}" for k in sorted(value)) + "}"
    raise ConfigPathError(f"json: unsupported type {type(value).__name__}")


def from_raw(raw: object) -> object:
    """object.go, unmarshalObject: a decoded YAML/JSON value, `{secure: ...}` as Ciphertext."""
    if isinstance(raw, dict):
        if len(raw) == 1 and isinstance(raw.get("secure"), str):
            return Ciphertext(raw["secure"])
        return {str(key): from_raw(item) for key, item in raw.items()}
    if isinstance(raw, list):
        return [from_raw(item) for item in raw]
    return raw


def is_secure(obj: object) -> bool:
    if isinstance(obj, Ciphertext):
        return True
    if isinstance(obj, list):
        return any(is_secure(item) for item in obj)
    if isinstance(obj, dict):
        return any(is_secure(item) for item in obj.values())
    return False


def to_value(obj: object) -> Value:
    """object.go, MarshalString."""
    if isinstance(obj, bool | int | float):
        return Value(go_json(obj))
    if isinstance(obj, str):
        return Value(obj)
    if isinstance(obj, Ciphertext):
        return Value(obj.value, secure=True)
    return Value(go_json(obj), secure=is_secure(obj), object=True)


def _go_parse_bool(text: str) -> bool:
    # strconv.ParseBool; value.go logs a warning and uses false for anything else.
    return text in ("1", "t", "T", "TRUE", "true", "True")


def to_object(value: Value) -> object:
    """value.go, unmarshalObject."""
    if value.secure or value.object or value.type is None:
        if not value.object:
            return Ciphertext(value.text) if value.secure else value.text
        return from_raw(json.loads(value.text))
    if value.type == "string":
        return value.text
    if value.type == "int":
        return int(value.text)
    if value.type == "bool":
        return _go_parse_bool(value.text)
    return float(value.text)


def _coerce(text: str) -> object:
    """object.go, coerce: "true"/"false" and base-10 integers without a leading zero."""
    if text in ("true", "false"):
        return text == "true"
    if len(text) > 1 and text[0] == "0":
        return text
    if re.fullmatch(r"[+-]?[0-9]+", text) and -(2**63) <= int(text) < 2**64:
        return int(text)
    return text


def coerce_object(value: Value) -> object:
    """value.go, coerceObject: untyped plain text set through a path becomes bool or number."""
    if value.secure or value.object or value.type is not None:
        return to_object(value)
    return _coerce(value.text)


def object_get(obj: object, path: list) -> tuple[object, bool]:
    """object.go, object.Get."""
    for element in path:
        if isinstance(obj, list) and isinstance(element, int) and 0 <= element < len(obj):
            obj = obj[element]
        elif isinstance(obj, dict) and isinstance(element, str) and element in obj:
            obj = obj[element]
        else:
            return None, False
    return obj, True


def _new_container(accessor: str | int) -> object:
    return [None] * (accessor + 1) if isinstance(accessor, int) else {}


def object_set(obj: object, prefix: list, path: list, new: object) -> object:
    """object.go, object.Set; returns the receiver's new value."""
    if not path:
        return new
    head = path[0]
    if not isinstance(obj, list | dict):
        if obj is None or len(prefix) == 1:
            # COMPAT in Go: at the first level a scalar is overwritten by a new container.
            obj = _new_container(head)
        else:
            kind = "an array" if isinstance(head, int) else "a map"
            raise ConfigPathError(f"{_go_path(prefix)}: expected {kind}")
    prefix = [*prefix, head]
    if isinstance(obj, list):
        if not isinstance(head, int):
            raise ConfigPathError(f"{_go_path(prefix)}: key for an array must be an int")
        if head < 0 or head > len(obj):
            raise ConfigPathError(f"{_go_path(prefix)}: array index out of range")
        if head == len(obj):
            obj.append(None)
        obj[head] = object_set(obj[head], prefix, path[1:], new)
        return obj
    if not isinstance(head, str):
        raise ConfigPathError(f"{_go_path(prefix)}: key for a map must be a string")
    if len(path) == 1 and not obj and head == "secure" and isinstance(new, str):
        raise ConfigPathError('maps with the single key "secure" are reserved')
    obj[head] = object_set(obj.get(head), prefix, path[1:], new)
    return obj


def object_delete(obj: object, prefix: list, path: list) -> None:
    """object.go, object.Delete."""
    if not path:
        return
    head, prefix = path[0], [*prefix, path[0]]
    if isinstance(obj, list):
        if not isinstance(head, int) or not 0 <= head < len(obj):
            return
        if len(path) == 1:
            del obj[head]
        else:
            object_delete(obj[head], prefix, path[1:])
    elif isinstance(obj, dict):
        if not isinstance(head, str):
            return
        if len(path) == 1:
            rest = [k for k in obj if k != head]
            if len(obj) == 2 and rest == ["secure"] and isinstance(obj["secure"], str):
                raise ConfigPathError(
                    f'{_go_path(prefix)}: maps with the single key "secure" are reserved'
                )
            obj.pop(head, None)
        elif head in obj:
            object_delete(obj[head], prefix, path[1:])


def _go_path(path: list) -> str:
    """properties_path.go, PropertyPath.String: names dotted, odd ones quoted, indexes bracketed."""
    text = ""
    for i, element in enumerate(path):
        if isinstance(element, int):
            text += f"[{element}]"
        elif all(c.isascii() and (c.isalnum() or c == "_") for c in element):
            text += element if i == 0 else f".{element}"
        else:
            text += '["' + element.replace('"', '\\"') + '"]'
    return text


# --- the Map -------------------------------------------------------------------------------

ConfigMap = dict[Key, Value]


def _key_path(key: Key) -> tuple[list, Key]:
    """map.go, parseKeyPath."""
    try:
        path = parse_property_path(key.name, strict=True)
    except ConfigPathError as error:
        raise ConfigPathError(f"invalid config key path: {error}") from None
    if not path:
        raise ConfigPathError("empty config key path")
    if not isinstance(path[0], str):
        raise ConfigPathError("first path segement of config key must be a string")
    if path[0] == "":
        raise ConfigPathError("config key is empty")
    return path, Key(key.namespace, path[0])


def map_get(config: ConfigMap, key: Key, path: bool) -> tuple[Value | None, bool]:
    """map.go, Map.Get. With `path`, the key's name is a property path into its root value."""
    if not path:
        return config.get(key), key in config
    elements, root_key = _key_path(key)
    root = config.get(root_key)
    if len(elements) == 1:
        return root, root is not None
    found, ok = object_get(to_object(root or Value("")), elements[1:])
    return (to_value(found), True) if ok else (None, False)


def map_set(config: ConfigMap, key: Key, value: Value, path: bool) -> None:
    """map.go, Map.Set."""
    if not path:
        config[key] = value
        return
    elements, root_key = _key_path(key)
    new = coerce_object(value) if len(elements) > 1 or value.type is not None else None
    if len(elements) == 1:
        config[root_key] = value
        return
    root = to_object(config[root_key]) if root_key in config else _new_container(elements[1])
    config[root_key] = to_value(object_set(root, elements[:1], elements[1:], new))


def map_remove(config: ConfigMap, key: Key, path: bool) -> None:
    """map.go, Map.Remove."""
    if not path:
        config.pop(key, None)
        return
    elements, root_key = _key_path(key)
    if len(elements) == 1:
        config.pop(root_key, None)
        return
    if root_key not in config:
        return
    root = to_object(config[root_key])
    # map.go passes p[1:] as the prefix too, so its error paths repeat the first segment.
    object_delete(root, elements[1:], elements[1:])
    config[root_key] = to_value(root)


def _decrypt_object(obj: object, decrypt: Callable[[str], str]) -> object:
    if isinstance(obj, Ciphertext):
        return decrypt(obj.value)
    if isinstance(obj, list):
        return [_decrypt_object(item, decrypt) for item in obj]
    if isinstance(obj, dict):
        return {key: _decrypt_object(item, decrypt) for key, item in obj.items()}
    return obj


def plaintext(value: Value, decrypt: Callable[[str], str]) -> str:
    """The text a program sees for one value: value.go Value.Value with a real decrypter, i.e.
    unmarshalObject, decrypt, then plaintext.go marshalText (strings as they are, else JSON)."""
    obj = _decrypt_object(to_object(value), decrypt)
    return obj if isinstance(obj, str) else go_json(obj)


def secure_keys(config: ConfigMap) -> list[Key]:
    """map.go, Map.SecureKeys."""
    return sorted(key for key, value in config.items() if value.secure)
