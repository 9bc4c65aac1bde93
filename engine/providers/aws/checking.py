"""Check: a resource's inputs against the schema the installed SDK was generated from (required
properties, types, enum values), each failure naming its property path as the engine shows it.
Unknown values (a preview's outputs of resources not yet created) are not judged."""

from __future__ import annotations

from typing import Any

from engine.providers.aws.schema import Spec
from engine.providers.values import UNKNOWN, is_secret

PYTHON_KIND = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "map": (dict,),
    "object": (dict,),
}


def _kind_of(value: Any) -> str:
    return {str: "string", bool: "boolean", int: "integer", float: "number", list: "array"}.get(
        type(value), "object"
    )


def problems(spec: Spec, values: dict, path: str = "") -> list[tuple[str, str]]:
    """(property path, reason) for every input the schema refuses."""
    found = []
    for name in sorted(spec.required):
        if values.get(name) is None:
            found.append(
                (
                    f"{path}{name}",
                    f'Missing required argument: the argument "{name}" is required, but no '
                    "definition was found.",
                )
            )
    for name, value in values.items():
        if name.startswith("__"):
            continue  # engine-reserved (__defaults, __meta)
        child = spec.properties.get(name)
        if child is None:
            found.append((f"{path}{name}", f'unknown property "{name}" for this resource'))
            continue
        found += _value_problems(child, value, f"{path}{name}")
    return found


def _value_problems(spec: Spec, value: Any, path: str) -> list[tuple[str, str]]:
    if is_secret(value):
        value = value.get("value")
    if value is None or value == UNKNOWN or spec.kind == "any":
        return []
    accepted = PYTHON_KIND[spec.kind]
    if isinstance(value, bool) and spec.kind != "boolean":
        accepted = ()
    if not isinstance(value, accepted):
        return [(path, f"expected {spec.kind}, got {_kind_of(value)} {value!r:.60}")]
    if spec.enum and value not in spec.enum:
        return [(path, f"expected one of {', '.join(spec.enum)}, got {value!r}")]
    if spec.kind == "array":
        return [
            problem
            for index, item in enumerate(value)
            for problem in _value_problems(spec.items, item, f"{path}[{index}]")
        ]
    if spec.kind == "map":
        return [
            problem
            for key, item in value.items()
            for problem in _value_problems(spec.items, item, f"{path}.{key}")
        ]
    if spec.kind == "object":
        return problems(spec, value, f"{path}.")
    return []
