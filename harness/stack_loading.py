"""The config `pulumi preview --stack <stack>` would hand a program, loaded and validated with
the port of the Pulumi CLI's own rules (harness/pulumi_cli), and handed over the way the Python
language host does."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.pulumi_cli.config_commands import parse_config_key
from harness.pulumi_cli.config_values import (
    ConfigPathError,
    Key,
    Value,
    from_raw,
    map_set,
    to_value,
)
from harness.pulumi_cli.stack_config import (
    Crypter,
    StackConfigError,
    merge_and_validate,
    program_config,
)
from harness.pulumi_cli.workspace import Project, WorkspaceError, load_project, load_project_stack

ROOT = Path(__file__).resolve().parents[1]
SECURE_PLACEHOLDER = "offline-synth-placeholder-for-an-encrypted-config-value"
CONFIG_ENVIRONMENT = ("PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")


class NoSuchStack(Exception):
    """No Pulumi.<stack>.yaml in the program's directory; `str()` says which exist."""


@dataclass
class StackConfig:
    project: str
    stack: str
    region: str | None
    values: dict[str, str]
    secret_keys: list[str]
    warnings: list[str] = field(default_factory=list)


class StackRefused(Exception):
    """The Pulumi CLI would refuse this project or stack before running the program; `str()` is
    the line `pulumi preview` prints (pkg/cmd/pulumi/operations/preview.go prefixes validation
    errors with "validating stack config: ")."""

    def __init__(
        self, message: str, hints: Sequence[str] = (), location: tuple[Path, int] | None = None
    ):
        super().__init__(message)
        self.hints = list(hints)
        # Where in which file, when a file is broken: the CLI does not say it; the synth does.
        self.location = location


def _refused_value_hint(config: dict[Key, Value], key: Key, stack_file: Path) -> str:
    # The CLI names key and type; the value helps, unless it is (or may be) a secret.
    value = config.get(key)
    if value is None:
        return f"`{key}` is not set in {stack_file.name}"
    if value.secure:
        return f"`{key}` = [secret]"
    shown = (
        repr(value.text)
        if len(value.text) <= 80
        else f"{value.text[:40]!r}... ({len(value.text)} characters)"
    )
    return f"`{key}` = {shown}"


def _override_value(value: Any) -> Value:
    # A string is what `pulumi config set KEY VALUE` stores; a list, mapping, number or boolean is
    # what a stack file holding that YAML value gives.
    return Value(value) if isinstance(value, str) else to_value(from_raw(value))


def _undeclared_hints(project: Project, config: dict[Key, Value]) -> list[str]:
    """Which keys of the project's namespace Pulumi.yaml does not declare, and what they probably
    meant: the CLI passes them through silently, so its "missing" message alone can mislead."""

    from settings.schema import closest_name

    declared = [name for name in project.config if ":" not in name]
    hints = []
    for key in sorted(config):
        if key.namespace != project.name or key.name in project.config:
            continue
        match = closest_name(key.name, declared)
        meant = f"; rename it to `{project.name}:{match}`" if match else ""
        hints.append(f"`{key}` is set but Pulumi.yaml does not declare it{meant}")
    return hints


def load_stack_config(
    stack: str,
    overrides: dict[str, Any] | None = None,
    program_dir: Path = ROOT,
    secret_overrides: dict[str, str] | None = None,
) -> StackConfig:
    """The config `pulumi preview --stack <stack>` would hand the program, or StackRefused with
    the CLI's own message (harness/pulumi_cli ports the rules from pulumi/pulumi)."""
    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise NoSuchStack(
            f"no {stack_file.name} in {program_dir}: create the stack with "
            f"`pulumi stack init {stack}` or pick one of "
            + ", ".join(sorted(p.name[7:-5] for p in program_dir.glob("Pulumi.*.yaml")))
        )
    crypter = Crypter()
    try:
        project = load_project(program_dir / "Pulumi.yaml")
    except WorkspaceError as error:
        raise StackRefused(str(error), location=error.location) from None
    try:
        loaded = load_project_stack(project, stack_file)
    except WorkspaceError as error:
        # What `pulumi preview` prints for a stack file it cannot read
        # (pkg/cmd/pulumi/operations/preview.go, getStackConfiguration).
        raise StackRefused(
            f"getting stack configuration: {error}", location=error.location
        ) from None
    try:
        config = loaded.config
        # `pulumi config set KEY VALUE` / `--secret`, applied before the CLI validates.
        for key, value in (overrides or {}).items():
            target = parse_config_key(project.name, key, False)
            map_set(config, target, _override_value(value), False)
        for key, value in (secret_overrides or {}).items():
            target = parse_config_key(project.name, key, False)
            map_set(config, target, Value(crypter.encrypt(value), secure=True), False)
    except (WorkspaceError, ConfigPathError) as error:
        raise StackRefused(str(error)) from None
    given = dict(config)  # before the defaults are merged in
    try:
        merge_and_validate(stack, project, config, crypter.decrypt)
    except (StackConfigError, ConfigPathError) as error:
        hints = [" ".join(w.split("\n")) for w in loaded.warnings]
        hints += _undeclared_hints(project, given)
        key = getattr(error, "key", None)
        if key is not None:
            hints.append(_refused_value_hint(given, Key(project.name, key), stack_file))
        raise StackRefused(f"validating stack config: {error}", hints) from None
    handed = program_config(config, crypter.decrypt, lambda key: SECURE_PLACEHOLDER)
    warnings = list(loaded.warnings) + [
        f"{key} is encrypted and cannot be read offline; the synth uses a placeholder"
        for key in handed.unreadable
    ]
    return StackConfig(
        project=project.name,
        stack=stack,
        region=handed.values.get("aws:region"),
        values=handed.values,
        secret_keys=handed.secret_keys,
        warnings=warnings,
    )


@contextlib.contextmanager
def language_host_config(config: StackConfig):
    """Hands the program its config as the Python language host and its exec script do:
    PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS in the environment, then
    `set_all_config(get_config_env(), get_config_secret_keys_env())`
    (pulumi/pulumi sdk/python/cmd/pulumi-language-python/main.go, Run, and
    sdk/python/cmd/pulumi-language-python-exec)."""
    import pulumi

    saved = {name: os.environ.get(name) for name in CONFIG_ENVIRONMENT}
    os.environ["PULUMI_CONFIG"] = json.dumps(config.values)
    os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(config.secret_keys)
    try:
        pulumi.runtime.set_all_config(
            pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
        )
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
