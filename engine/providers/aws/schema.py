"""The pulumi-aws schema, as the installed Python SDK was generated from it.

The schema file itself is not published with the SDK (and the provider's repository generates
it at build time), so it is read back from what pulumi-language-python generated from it: each
resource's `<Name>Args` input type (its properties, their Pulumi names and types, which ones
have no default, i.e. the schema's requiredInputs), the nested input types, and the enums. The
SDK's own type machinery (pulumi._types) does the reading.
"""

from __future__ import annotations

import collections.abc
import enum
import importlib
import inspect
import json
import os
import sys
import threading
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pulumi
from pulumi import _types

from engine.providers.server import ProviderError

SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}
# The provider answers the engine from several threads; pulumi_aws loads its modules lazily, and
# two threads loading one at once can see it half-made. One reader at a time.
_READING = threading.Lock()


@dataclass(frozen=True)
class Spec:
    kind: str  # string, integer, number, boolean, array, map, object, any
    items: Spec | None = None
    properties: dict[str, Spec] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    enum: tuple[str, ...] = ()


def _wrapper(member) -> bool:
    """Awaitable[X] and Output[X], the members pulumi.Input adds beside X."""
    origin = typing.get_origin(member) or member
    return origin is collections.abc.Awaitable or (
        isinstance(origin, type) and issubclass(origin, pulumi.Output)
    )


def _unwrap(tp):
    """X of pulumi.Input[X] (Union[X, Awaitable[X], Output[X]]) and of Optional[X]; an enum where
    the SDK types a property Union[str, SomeEnum]."""
    while typing.get_origin(tp) is typing.Union:
        members = [m for m in typing.get_args(tp) if m is not type(None) and not _wrapper(m)]
        enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
        if enums:
            return enums[0]
        if len(members) != 1:
            return typing.Any
        tp = members[0]
    return tp


def _spec(tp) -> Spec:
    tp = _unwrap(tp)
    if tp in SCALARS:
        return Spec(SCALARS[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return Spec("string", enum=tuple(str(member.value) for member in tp))
    origin = typing.get_origin(tp)
    if origin in (collections.abc.Sequence, list):
        return Spec("array", items=_spec(typing.get_args(tp)[0]))
    if origin in (collections.abc.Mapping, dict):
        return Spec("map", items=_spec(typing.get_args(tp)[1]))
    if isinstance(tp, type) and _types.is_input_type(tp):
        return _object(tp)
    return Spec("any")


def _object(args_class: type) -> Spec:
    names = _types.input_type_py_to_pulumi_names(args_class)
    types = _types.input_type_types(args_class)
    parameters = inspect.signature(args_class.__init__).parameters.values()
    required = {
        names[p.name]
        for p in parameters
        if p.default is inspect.Parameter.empty and p.name in names
    }
    return Spec(
        "object",
        properties={name: _spec(tp) for name, tp in types.items()},
        required=frozenset(required),
    )


def _module(token: str):
    """pulumi_aws's module for a token's module part (`lambda` is `lambda_` in Python)."""
    module = token.split(":")[1].split("/")[0]
    if module == "index":
        return importlib.import_module("pulumi_aws")
    for name in (module, module + "_"):
        try:
            return importlib.import_module(f"pulumi_aws.{name}")
        except ModuleNotFoundError:
            continue
    raise ProviderError(f"pulumi-aws {token}: no such module in the installed SDK")


def _as_dict(spec: Spec) -> dict:
    return {
        "kind": spec.kind,
        "items": _as_dict(spec.items) if spec.items else None,
        "properties": {k: _as_dict(v) for k, v in spec.properties.items()},
        "required": sorted(spec.required),
        "enum": list(spec.enum),
    }


def _from_dict(data: dict) -> Spec:
    return Spec(
        data["kind"],
        _from_dict(data["items"]) if data["items"] else None,
        {k: _from_dict(v) for k, v in data["properties"].items()},
        frozenset(data["required"]),
        tuple(data["enum"]),
    )


def _cache_file(token: str) -> Path:
    """Where the schema of `token` read from this SDK version is kept between provider processes
    (reading it imports the SDK's modules: most of a provider's start)."""
    from engine.layout import TIER, sdk_plugin

    version = sdk_plugin("pulumi_aws")[1]
    return TIER / "schema" / version / (token.replace(":", "_").replace("/", "_") + ".json")


@cache
def resource_inputs(token: str) -> Spec:
    """The input properties of resource `token` (`aws:secretsmanager/secret:Secret`)."""
    # Under the lock, so two of the engine's threads asking for one token at once do not both
    # write the cache file: the second finds the first's. Each process writes its own partial
    # file and renames it into place, so providers running side by side never see half a file.
    with _READING:
        cached = _cache_file(token)
        if cached.exists():
            return _from_dict(json.loads(cached.read_text()))
        spec = _resource_inputs(token)
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}")
        partial.write_text(json.dumps(_as_dict(spec)))
        partial.replace(cached)
        return spec


@cache
def _resource_inputs(token: str) -> Spec:
    module, name = _module(token), token.split(":")[2]
    resource = getattr(module, name, None)
    # The resource's own module, where the generator names the type `<Name>InitArgs` when a
    # nested input type of another resource already has `<Name>Args` (s3's
    # BucketServerSideEncryptionConfiguration, whose Args is the old Bucket's block).
    own = sys.modules[resource.__module__] if resource else None
    args_class = getattr(own, f"{name}InitArgs", None) or getattr(own, f"{name}Args", None)
    if args_class is None:
        raise ProviderError(f"{token}: not a resource of the installed pulumi-aws SDK")
    return _object(args_class)
