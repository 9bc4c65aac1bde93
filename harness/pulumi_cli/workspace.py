"""Loading and validating project, stack and policy pack files as the Pulumi CLI does
(pulumi/pulumi sdk/go/common/workspace: loaders.go and project.go)."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema

from harness.pulumi_cli import yaml_v3
from harness.pulumi_cli.config_values import (
    ConfigMap,
    ConfigPathError,
    Value,
    from_raw,
    namespaced_key,
    to_value,
)
from harness.pulumi_cli.project_schema import schema


class WorkspaceError(ValueError):
    """A file the CLI refuses to load: `str()` is the CLI's message; `location` (file, line),
    where known, is the harness's own addition, which the CLI does not print."""

    def __init__(self, message: str, location: tuple[Path, int] | None = None):
        super().__init__(message)
        self.location = location


@dataclass(frozen=True)
class ConfigType:
    """project.go, ProjectConfigType (Default/Value present or not, as Go's `!= nil`)."""

    type: str | None = None
    items: dict | None = None
    description: str = ""
    secret: bool = False
    has_default: bool = False
    default: object = None
    has_value: bool = False
    value: object = None


@dataclass
class Project:
    name: str
    runtime: str
    runtime_options: dict
    config: dict[str, ConfigType] = field(default_factory=dict)


@dataclass
class ProjectStack:
    config: ConfigMap
    warnings: list[str] = field(default_factory=list)


def _load(path: Path) -> object:
    data = path.read_bytes()
    try:
        return yaml_v3.load(data)
    except yaml_v3.GoYamlError as error:
        raise WorkspaceError(f"could not unmarshal '{path}': {error}") from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise WorkspaceError(
            f"could not unmarshal '{path}': yaml: line {line}: invalid UTF-8"
        ) from None


def _line_of(path: Path, keys: list[object]) -> int:
    """The line of the mapping key at `keys` (the deepest one found), for error messages; a key
    matches as written or as yaml.v3 resolves it (`123` is the integer 123)."""
    node = yaml_v3.compose(path.read_bytes())
    line = 1
    for key in keys:
        if not isinstance(node, yaml_v3.MappingNode):
            break
        match = next(
            ((k, v) for k, v in node.value if key in (k.value, yaml_v3.resolve_plain(k.value))),
            None,
        )
        if match is None:
            break
        line, node = match[0].start_mark.line + 1, match[1]
    return line


def _simplify(raw: object) -> object:
    """project.go, SimplifyMarshalledValue: only string keys."""
    if isinstance(raw, dict):
        for key in raw:
            if not isinstance(key, str):
                raise WorkspaceError(f"expected only string keys, got '{key}'")
        return {key: _simplify(item) for key, item in raw.items()}
    if isinstance(raw, list):
        return [_simplify(item) for item in raw]
    return raw


def _simplify_project(raw: object) -> dict:
    """project.go, SimplifyMarshalledProject."""
    result = _simplify(raw)
    if not isinstance(result, dict):
        go_type = {type(None): "<nil>", str: "string", list: "[]interface {}"}.get(
            type(result), type(result).__name__
        )
        raise WorkspaceError(f"expected project to be an object, was '{go_type}'")
    return result


def _jsonable(raw: object) -> object:
    # jsonschema cannot compare NaN/inf; the Go side never sees them in these files either.
    if isinstance(raw, float) and not math.isfinite(raw):
        return str(raw)
    if isinstance(raw, dict):
        return {k: _jsonable(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_jsonable(v) for v in raw]
    return raw


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        previous = current
    return previous[-1]


def find_closest_key(needle: str, haystack: list[str], max_distance: int = 2) -> str:
    """project.go, findClosestKey: case-insensitive Levenshtein, first alphabetically on ties."""
    match, closest = "", max_distance + 1
    for key in sorted(haystack):
        distance = _levenshtein(needle.lower(), key.lower())
        if distance == 0:
            return key
        if distance < closest:
            match, closest = key, distance
    return match


def validate_project(raw: object, project_schema: dict | None = None) -> dict:
    """project.go, ValidateProject: a non-empty name, then the JSON schema (the real one where it
    is at hand, or `project_schema`)."""
    project = _simplify_project(raw)
    if "name" not in project:
        closest = find_closest_key("name", list(project))
        if closest:
            raise WorkspaceError(
                f"project is missing a 'name' attribute; found '{closest}' instead"
            )
        raise WorkspaceError("project is missing a 'name' attribute")
    if not isinstance(project["name"], str) or not project["name"]:
        raise WorkspaceError("project is missing a non-empty string 'name' attribute")
    schema_text = json.dumps(project_schema) if project_schema else _default_schema_text()
    lines = _schema_errors(json.dumps(_jsonable(project)), schema_text)
    if lines:
        raise WorkspaceError(f"{len(lines)} error(s) occurred:\n\t* " + "\n\t* ".join(lines))
    return project


@functools.cache
def _default_schema_text() -> str:
    return json.dumps(schema())


# Every synth validates the same project file: the schema walk is two thirds of a refused synth's
# time, and the answer depends on these two texts alone.
@functools.lru_cache(maxsize=32)
def _schema_errors(document: str, schema_text: str) -> tuple[str, ...]:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text))
    errors = sorted(validator.iter_errors(json.loads(document)), key=lambda e: list(e.path))
    return tuple(
        "#/" + "/".join(str(part) for part in error.absolute_path) + f": {error.message}"
        for error in errors
    )


def _namespaced_by_project(project: str, key: str) -> bool:
    # project.go, configKeyIsNamespacedByProject
    return ":" not in key or key.startswith(project + ":")


def _config_types(project: dict) -> dict[str, ConfigType]:
    """project.go, RewriteConfigPathIntoStackConfigDir and RewriteShorthandConfigValues."""
    config = project.get("config")
    if isinstance(config, str):
        if "stackConfigDir" in project:
            raise WorkspaceError(
                "Should not use both config and stackConfigDir to define the stack directory. "
                "Use only stackConfigDir instead."
            )
        return {}
    types: dict[str, ConfigType] = {}
    for key, spec in (config or {}).items():
        if isinstance(spec, str | int | bool | float | list):
            shorthand = "default" if _namespaced_by_project(project["name"], key) else "value"
            spec = {shorthand: spec}
        spec = spec or {}
        types[key] = ConfigType(
            type=spec.get("type"),
            items=spec.get("items"),
            description=spec.get("description", ""),
            secret=bool(spec.get("secret", False)),
            has_default=spec.get("default") is not None,
            default=spec.get("default"),
            has_value=spec.get("value") is not None,
            value=spec.get("value"),
        )
    return types


def infer_full_type_name(type_name: str, items: dict | None) -> str:
    """project.go, InferFullTypeName."""
    if items is not None:
        return f"array<{infer_full_type_name(items.get('type', ''), items.get('items'))}>"
    return type_name


def validate_config_value(type_name: str, items: dict | None, value: object) -> bool:
    """project.go, ValidateConfigValue."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value == math.trunc(value)
        if isinstance(value, str):
            # strconv.Atoi: optional sign, decimal digits, within int64
            text = value[1:] if value[:1] in "+-" else value
            if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > 19:
                return False  # not digits, or more than int64 holds (Atoi: out of range)
            return -(2**63) <= int(value) < 2**63
        return False
    if type_name == "boolean":
        return value in ("true", "false") or isinstance(value, bool)
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(validate_config_value(items.get("type", ""), items.get("items"), v) for v in value)


def _validate_types(project: Project) -> None:
    """project.go, Project.Validate (returns the first error, in map order)."""
    for key, spec in project.config.items():
        if spec.has_default and spec.has_value:
            raise WorkspaceError(
                f"project config '{key}' cannot have both a 'default' and 'value' attribute"
            )
        if _namespaced_by_project(project.name, key):
            if spec.type == "array" and spec.items is None:
                raise WorkspaceError(
                    f"The configuration key '{key}' declares an array but does not specify the "
                    "underlying type via the 'items' attribute"
                )
            if spec.type is not None and spec.has_default:
                if not validate_config_value(spec.type, spec.items, spec.default):
                    raise WorkspaceError(
                        f"The default value specified for configuration key '{key}' is not of the "
                        f"expected type '{infer_full_type_name(spec.type, spec.items)}'"
                    )
        else:
            if spec.type is not None:
                raise WorkspaceError(
                    f"Configuration key '{key}' is not namespaced by the project and should not "
                    "define a type"
                )
            if spec.has_default:
                raise WorkspaceError(
                    f"Configuration key '{key}' is not namespaced by the project and should not "
                    "define a default value. Did you mean to use the 'value' attribute instead of "
                    "'default'?"
                )
            if not spec.has_value:
                raise WorkspaceError(
                    f"Configuration key '{key}' is namespaced and must provide an attribute 'value'"
                )


def _runtime(raw: object) -> tuple[str, dict]:
    if isinstance(raw, str):
        return raw, {}
    if isinstance(raw, dict):
        return str(raw.get("name") or ""), dict(raw.get("options") or {})
    return "", {}


def load_project(path: Path) -> Project:
    """loaders.go, LoadProject."""
    raw = validate_project_file(path)
    name = raw["name"]
    runtime, options = _runtime(raw.get("runtime"))
    project = Project(name, runtime, options, _config_types(raw))
    try:
        _validate_types(project)
    except WorkspaceError as error:
        raise WorkspaceError(f"could not unmarshal '{path}': {error}") from None
    return project


def validate_project_file(path: Path, project_schema: dict | None = None) -> dict:
    try:
        return validate_project(_load(path), project_schema)
    except WorkspaceError as error:
        if str(error).startswith("could not"):
            raise
        raise WorkspaceError(f"could not validate '{path}': {error}") from None


def _stack_yaml(path: Path) -> object:
    """The stack file as yaml.v3 reads it: a syntax error is "invalid YAML file: ..."
    (encoding/marshal.go, yamlMarshaler.Unmarshal), a type error (a key twice) as it is."""
    data = path.read_bytes()
    try:
        return yaml_v3.load(data)
    except yaml_v3.GoYamlError as error:
        prefix = "" if str(error).startswith("yaml: unmarshal errors") else "invalid YAML file: "
        raise WorkspaceError(f"{prefix}{error}", (path, error.line)) from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise WorkspaceError(
            f"invalid YAML file: yaml: line {line}: invalid UTF-8", (path, line)
        ) from None


def load_project_stack(project: Project, path: Path) -> ProjectStack:
    """loaders.go, LoadProjectStack and LoadProjectStackBytes."""
    if not path.exists():
        return ProjectStack({})
    raw = _stack_yaml(path)
    if raw is None:
        return ProjectStack({})
    if isinstance(raw, dict) and isinstance(raw.get("config"), dict):
        for key in raw["config"]:
            if not isinstance(key, str):
                # Map.UnmarshalYAML's ParseKey refuses it (resource/config/key.go).
                raise WorkspaceError(
                    f"invalid YAML file: could not unmarshal map: could not parse {key} as a "
                    "configuration key (configuration keys should be of the form "
                    "`<namespace>:<name>`)",
                    (path, _line_of(path, ["config", key])),
                )
    try:
        document = _simplify_project(raw)
    except WorkspaceError as error:
        raise WorkspaceError(str(error), (path, 1)) from None
    config = document.get("config")
    if config is None:
        return ProjectStack({})
    if not isinstance(config, dict):
        line = _line_of(path, ["config"])
        raise WorkspaceError(
            "invalid YAML file: could not unmarshal map: yaml: unmarshal errors:\n"
            f"  line {line}: cannot unmarshal {_yaml_kind(config)} into map[string]config.Value",
            (path, line),
        )
    warnings = []
    empty = [key for key, value in config.items() if value is None]
    if empty:
        # loaders.go, checkForEmptyConfig (keys as written, in file order here)
        names = [f'"{key}"' for key in empty]
        joined = " and ".join(names) if len(names) == 2 else ", ".join(names)
        plural = "s" if len(names) > 1 else ""
        warnings.append(
            f"No value for configuration key{plural} {joined}. This is currently treated as an "
            'empty string `""`, but will be treated as `null` in a future version of pulumi.\n'
            f'Set the value{plural} to `""` to avoid this warning.'
        )
    values: ConfigMap = {}
    for key, value in config.items():
        # loaders.go, stackConfigNamespacedWithProject
        try:
            parsed = namespaced_key(project.name, key)
        except ConfigPathError as error:
            raise WorkspaceError(
                f"invalid YAML file: could not unmarshal map: {error}", (path, 0)
            ) from None
        values[parsed] = Value("") if value is None else to_value(from_raw(value))
    return ProjectStack(values, warnings)


def _yaml_kind(value: object) -> str:
    if isinstance(value, list):
        return "!!seq"
    if isinstance(value, bool):
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    return "!!str"


def load_policy_pack(path: Path) -> str:
    """loaders.go, LoadPolicyPack, and project.go PolicyPackProject.Validate: the runtime name."""
    raw = _load(path)
    document = raw if isinstance(raw, dict) else {}
    runtime = document.get("runtime")
    if runtime is not None and not isinstance(runtime, str | dict):
        raise WorkspaceError(f"{path}: runtime section must be a string or an object")
    name, _ = _runtime(runtime)
    if not name:
        raise WorkspaceError("project is missing a 'runtime' attribute")
    return name
