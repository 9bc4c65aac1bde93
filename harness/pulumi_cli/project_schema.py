"""The parts of Pulumi's project JSON schema (pulumi/pulumi sdk/go/common/workspace/project.json)
that bear on this repository's project files: name, runtime, the metadata strings, stackConfigDir,
backend, options and the config type declarations. Other sections (template, packages, plugins)
are accepted as objects here.

When the real schema is at hand, `schema()` uses it instead: $PULUMI_PROJECT_SCHEMA, the copy
`make engine` takes from the pinned CLI's Go module (.engine/project.json, engine/layout.py), or
shared/pulumi/project.json next to the repository. The tests hold the port and the real schema
to the same answer on every project file and on Pulumi's own project-loading cases.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

OPTIONAL_STRING = {"type": ["string", "null"]}
SIMPLE_CONFIG_TYPE = {"enum": ["string", "integer", "boolean", "array", "object"]}
CONFIG_ITEMS_TYPE = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {
            "oneOf": [{"$ref": "#/$defs/simpleConfigType"}, {"$ref": "#/$defs/configItemsType"}]
        },
        "items": {"$ref": "#/$defs/configItemsType"},
    },
    "if": {"properties": {"type": {"const": "array"}}},
    "then": {"required": ["items"]},
}
CONFIG_TYPE_DECLARATION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "type": {"$ref": "#/$defs/simpleConfigType"},
        "items": {"$ref": "#/$defs/configItemsType"},
        "description": {"type": "string"},
        "secret": {"type": "boolean"},
        "default": {},
        "value": {},
    },
}
PORTED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name"],
    "additionalProperties": True,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": OPTIONAL_STRING,
        "author": OPTIONAL_STRING,
        "website": OPTIONAL_STRING,
        "license": OPTIONAL_STRING,
        "main": OPTIONAL_STRING,
        "stackConfigDir": OPTIONAL_STRING,
        "runtime": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "options": {"type": "object", "additionalProperties": True},
                    },
                    "additionalProperties": False,
                },
            ]
        },
        "config": {
            "type": ["object", "string", "null"],
            "properties": {"secret": {"type": "boolean", "default": False}},
            "additionalProperties": {
                "oneOf": [
                    {"type": "string"},
                    {"type": "integer"},
                    {"type": "boolean"},
                    {"type": "array"},
                    {"$ref": "#/$defs/configTypeDeclaration"},
                ]
            },
        },
        "backend": {
            "type": ["object", "null"],
            "properties": {"url": {"type": "string"}},
            "additionalProperties": False,
        },
        "options": {
            "type": ["object", "null"],
            "properties": {"refresh": {"type": "string", "const": "always"}},
            "additionalProperties": False,
        },
        "template": {"type": ["object", "null"]},
        "packages": {"type": "object"},
        "plugins": {"type": "object"},
    },
    "$defs": {
        "simpleConfigType": SIMPLE_CONFIG_TYPE,
        "configItemsType": CONFIG_ITEMS_TYPE,
        "configTypeDeclaration": CONFIG_TYPE_DECLARATION,
    },
}


def real_schema_path() -> Path | None:
    candidates = [os.environ.get("PULUMI_PROJECT_SCHEMA", "")]
    repository = Path(__file__).resolve().parents[2]
    candidates.append(str(repository / ".engine" / "project.json"))
    candidates.append(str(repository.parent / "shared" / "pulumi" / "project.json"))
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@cache
def schema() -> dict:
    path = real_schema_path()
    return json.loads(path.read_text()) if path else PORTED_SCHEMA
