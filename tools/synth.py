"""Offline synth: runs a Pulumi program under mocks and renders what it would register.

No AWS account, no network and no Pulumi CLI are needed. The tests import `synthesize`, so the
synth and the tests always see the same stack.

    python -m tools.synth [--stack NAME] [--json] [--show-secrets] [--program DIR]
                          [--config key=value ...] [--secret key=value ...]
                          [--diff GIT_REF_OR_SAVED_JSON]
"""

from __future__ import annotations

from manage_secrets import process_end

if __name__ == "__main__":
    # Before the heavier imports, so Ctrl-C at any point ends with one line and exit 130.
    process_end.end_on_interrupt("synth")

import argparse  # noqa: E402 - after the interrupt handler on purpose
import contextlib
import gc
import json
import logging
import os
import runpy
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manage_secrets.arguments import without_arguments
from tools import plan_base
from tools.pulumi_cli.config_commands import parse_config_key
from tools.pulumi_cli.config_values import ConfigPathError, Key, Value, from_raw, map_set, to_value
from tools.pulumi_cli.stack_config import (
    Crypter,
    StackConfigError,
    merge_and_validate,
    program_config,
)
from tools.pulumi_cli.workspace import Project, WorkspaceError, load_project, load_project_stack

ROOT = Path(__file__).resolve().parents[1]
SECURE_PLACEHOLDER = "offline-synth-placeholder-for-an-encrypted-config-value"
CONFIG_ENVIRONMENT = ("PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")

EXIT_OK = 0
EXIT_PROGRAM_FAILED = 1
EXIT_CONFIG_ERROR = 2
EXIT_NO_STACK = 3
EXIT_USAGE = 64
SYNTH_EXIT_CODES = (
    (EXIT_OK, "rendered (or the change plan printed)"),
    (EXIT_PROGRAM_FAILED, "the program failed, or the base of a change plan could not be rendered"),
    (
        EXIT_CONFIG_ERROR,
        "invalid configuration: the Pulumi CLI's refusal (with the file and line of a broken stack "
        "file) or every problem the program found, on stderr; never a value",
    ),
    (EXIT_NO_STACK, "no such stack file"),
    (EXIT_USAGE, "bad arguments (never repeated: they may hold a secret)"),
    (process_end.EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
    (process_end.EXIT_BROKEN_PIPE, "the reader went away (`... | head`)"),
)


class SynthUsageError(Exception):
    """A request the synth cannot serve (unknown stack, malformed --config)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class StackConfig:
    project: str
    stack: str
    region: str | None
    values: dict[str, str]
    secret_keys: list[str]
    warnings: list[str] = field(default_factory=list)


@dataclass
class SynthResult:
    project: str
    stack: str
    resources: list[dict]
    outputs: dict[str, Any]
    secret_outputs: set[str]
    warnings: list[str]
    # Unrendered registrations (inputs with secret markers), for tests that need more.
    registrations: list[Any]

    def document(self) -> dict:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": self.resources,
            "outputs": self.outputs,
            "warnings": self.warnings,
        }

    def resources_of(self, type_token: str) -> list[dict]:
        return [resource for resource in self.resources if resource["type"] == type_token]

    def resource(self, type_token: str, name: str) -> dict:
        """The resource of this type with this logical name."""
        return self._one(type_token, name, lambda r: r["name"] == name)

    def named(self, type_token: str, physical_name: str) -> dict:
        """The resource of this type with this name in AWS (its `name`, `family` or
        `dashboardName` input): the name users and other stacks know it by."""

        def physical(resource: dict) -> str | None:
            inputs = resource["inputs"]
            return inputs.get("name") or inputs.get("family") or inputs.get("dashboardName")

        return self._one(type_token, physical_name, lambda r: physical(r) == physical_name)

    def version_of(self, secret_name: str) -> dict:
        """The SecretVersion holding the value of the secret named `secret_name` in AWS."""
        secret = self.named("aws:secretsmanager/secret:Secret", secret_name)
        return self._one(
            "aws:secretsmanager/secretVersion:SecretVersion",
            secret_name,
            lambda r: r["parent"] == secret["parent"] and r["name"] == secret["name"],
        )

    def _one(self, type_token: str, label: str, matches_of: Any) -> dict:
        matches = [r for r in self.resources_of(type_token) if matches_of(r)]
        if len(matches) != 1:
            raise KeyError(f"{type_token} {label}: {len(matches)} matches")
        return matches[0]


class StackRefused(Exception):
    """The Pulumi CLI would refuse this project or stack before running the program; `str()` is
    the line `pulumi preview` prints (pkg/cmd/pulumi/operations/preview.go prefixes validation
    errors with "validating stack config: ")."""

    def __init__(self, message: str, hints: Sequence[str] = ()):
        super().__init__(message)
        self.hints = list(hints)


def _refused_value_hint(config: dict[Key, Value], key: Key, stack_file: Path) -> str:
    # The CLI names key and type; the value helps, unless it is (or may be) a secret.
    value = config.get(key)
    if value is None:
        return f"`{key}` is not set in {stack_file.name}"
    return f"`{key}` = {'[secret]' if value.secure else repr(value.text)}"


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
    the CLI's own message (tools/pulumi_cli ports the rules from pulumi/pulumi)."""
    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise SynthUsageError(
            f"no {stack_file.name} in {program_dir}: create the stack with "
            f"`pulumi stack init {stack}` or pick one of "
            + ", ".join(sorted(p.name[7:-5] for p in program_dir.glob("Pulumi.*.yaml"))),
            EXIT_NO_STACK,
        )
    crypter = Crypter()
    try:
        project = load_project(program_dir / "Pulumi.yaml")
        loaded = load_project_stack(project, stack_file)
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
def _language_host_config(config: StackConfig):
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


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def synthesize(
    stack: str = "production",
    overrides: dict[str, str] | None = None,
    program_dir: Path = ROOT,
    show_secrets: bool = False,
    mocks: Any = None,
    stack_references: dict[str, SynthResult] | None = None,
    secret_overrides: dict[str, str] | None = None,
    digest_key: bytes | None = None,
) -> SynthResult:
    """Runs `<program_dir>/__main__.py` under mocks; raises what the program raises
    (e.g. settings.ConfigError) after the runtime has shut down cleanly.

    `stack_references` answers `pulumi.StackReference("<org>/<project>/<stack>")` with the
    outputs of another synth (made with show_secrets=True, so the values are real)."""
    import pulumi

    from tools.mock_cloud import MockCloud, RecordingMonitor, render
    from tools.sdk_internals import SECRET_SIGNATURE, forget_root_stack

    config = load_stack_config(stack, overrides, program_dir, secret_overrides)
    cloud = mocks or MockCloud(region=config.region or "us-east-1")
    for name, referenced in (stack_references or {}).items():
        cloud.stack_references[name] = (referenced.outputs, referenced.secret_outputs)
    monitor = RecordingMonitor(cloud, stack, config.project)
    logger = logging.getLogger(f"synth.{config.project}.{stack}")
    logger.propagate = False
    logger.handlers = [collector := _Collect()]

    forget_root_stack()
    pulumi.runtime.set_mocks(
        cloud, config.project, stack, preview=False, logger=logger, monitor=monitor
    )
    # A directory: runpy puts it first on sys.path while the program runs, as the language host
    # runs a program from its directory, so its own modules import as they would there.
    program = str(program_dir)
    # The order resources are declared in: stack transformations run synchronously in each
    # resource's constructor (pulumi SDK, Resource.__init__), unlike registrations, which
    # asyncio interleaves.
    declared: dict[tuple[str, str], int] = {}

    def note_declaration(args: Any) -> None:
        declared.setdefault((args.type_, args.name), len(declared))

    def run_program() -> None:
        pulumi.runtime.register_stack_transformation(note_declaration)
        runpy.run_path(program, run_name="__main__")

    # pulumi.runtime.test runs a function as a program to its end, every registration awaited,
    # after dropping the output tasks a failed earlier synth in this process left queued.
    with _language_host_config(config):
        pulumi.runtime.test(run_program)()

    exported: dict[str, tuple[Any, bool]] = {}

    async def resolve_exports() -> None:
        for name, value in pulumi.runtime.get_root_resource().outputs.items():
            output = pulumi.Output.from_input(value)
            exported[name] = (await output.future(), await output.is_secret())

    pulumi.runtime.test(resolve_exports)()
    outputs: dict[str, Any] = {}
    secret_outputs: set[str] = set()
    for name, (resolved, secret) in exported.items():
        if secret:
            secret_outputs.add(name)
            wrapped = {**SECRET_SIGNATURE, "value": resolved}
            outputs[name] = render(wrapped, show_secrets, digest_key)
        else:
            outputs[name] = render(resolved, True)

    by_urn = {r.urn: r.name for r in monitor.registrations}
    resources = [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": by_urn.get(r.parent_urn),
            "protect": r.protect,
            "options": {
                **r.options,
                "dependsOn": sorted(by_urn.get(urn, urn) for urn in r.options["dependsOn"]),
            },
            "inputs": render(r.inputs, show_secrets, digest_key),
            "dependencies": r.property_dependencies,
        }
        for r in monitor.registrations
    ]
    resources = _tree_order(resources, declared)
    return SynthResult(
        project=config.project,
        stack=stack,
        resources=resources,
        outputs=outputs,
        secret_outputs=secret_outputs,
        warnings=config.warnings + collector.messages,
        registrations=monitor.registrations,
    )


def _tree_order(resources: list[dict], declared: dict[tuple[str, str], int]) -> list[dict]:
    """Parents before children, siblings in declaration order (anything not seen declared, such
    as a default provider, after them by type and name)."""

    def position(resource: dict) -> tuple:
        key = (resource["type"], resource["name"])
        return (declared.get(key, len(declared)), resource["type"], resource["name"])

    children: dict[str | None, list[dict]] = {}
    for resource in sorted(resources, key=position):
        children.setdefault(resource["parent"], []).append(resource)
    ordered: list[dict] = []

    def walk(parent: str | None) -> None:
        for resource in children.get(parent, []):
            ordered.append(resource)
            walk(resource["name"])

    walk(None)
    return ordered


def format_tree(result: SynthResult) -> str:
    from tools.preview import format_preview

    return format_preview(result)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: {without_arguments(message)} (see --help)\n")


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a config value, as `pulumi config set KEY VALUE` would (repeatable)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set an encrypted config value, as `pulumi config set --secret` would (repeatable)",
    )


def parse_overrides(pairs: Sequence[str], secret: bool = False) -> dict[str, str]:
    overrides = {}
    option = "--secret" if secret else "--config"
    for number, pair in enumerate(pairs, 1):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            # Never repeated: `--config jwtSecretKey:<value>` holds the value itself.
            raise SynthUsageError(
                f"{option} takes KEY=VALUE; {option} number {number} has no key before '=' "
                "(it is not repeated here: it may hold a secret)"
            )
        overrides[key] = value
    return overrides


def _digest_key(diff: str | None) -> bytes | None:
    if diff:
        return os.urandom(32)
    # Set by a change plan rendering its base in this process's harness (tools/plan_base.py).
    given = os.environ.get(plan_base.SECRET_DIGEST_VARIABLE)
    if not given:
        return None
    try:
        return bytes.fromhex(given)
    except ValueError:
        raise SynthUsageError(f"{plan_base.SECRET_DIGEST_VARIABLE} must be hexadecimal") from None


def _plan_text(base: plan_base.Base, result: SynthResult, as_json: bool) -> str:
    from tools.change_plan import format_plan, plan, plan_document

    changes = plan(base.document, result.document())
    if as_json:
        return json.dumps(plan_document(changes), indent=2)
    text = format_plan(changes, base.label, "this working tree")
    if not base.secrets_compared:
        text += "\nnote: a saved render holds no secret digests: a secret counts as changed only"
        text += "\n      when a resource it is built from is created or replaced"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m tools.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stack", default="production", help="stack to render (Pulumi.<stack>.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--show-secrets", action="store_true", help="print secret values instead of [secret]"
    )
    parser.add_argument(
        "--program",
        type=Path,
        default=ROOT,
        metavar="DIR",
        help="directory of the Pulumi program (default: this project)",
    )
    parser.add_argument(
        "--diff",
        metavar="REF_OR_JSON",
        help="print the change plan from a git ref (e.g. origin/main) or a saved --json render "
        "to this render, as `pulumi preview --diff` would classify it",
    )
    add_config_argument(parser)
    args = parser.parse_args(argv)
    if args.diff and args.show_secrets:
        parser.error("--diff never shows secrets; leave out --show-secrets")

    from settings import ConfigError

    # A failing program leaves sibling futures whose errors asyncio would log at exit; the one
    # line printed below already says what failed.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    program_dir = args.program.resolve()
    try:
        digest_key = _digest_key(args.diff)
        references = {}
        if program_dir != ROOT:
            # A consumer (examples/*) reads this stack through StackReference: answer it with
            # this stack's own synth of the same stack name, from any organization.
            this_stack = synthesize(args.stack, show_secrets=True)
            references[f"*/{this_stack.project}/{args.stack}"] = this_stack
        result = synthesize(
            args.stack,
            parse_overrides(args.config),
            program_dir=program_dir,
            show_secrets=args.show_secrets,
            secret_overrides=parse_overrides(args.secret, secret=True),
            stack_references=references,
            digest_key=digest_key,
        )
        base = (
            plan_base.load(args.diff, ROOT, args.stack, program_dir, digest_key)
            if args.diff
            else None
        )
    except plan_base.PlanBaseError as error:
        print(f"synth: {error}", file=sys.stderr)
        return EXIT_USAGE if "--diff" in str(error) else EXIT_PROGRAM_FAILED
    except SynthUsageError as error:
        print(f"synth: {error}", file=sys.stderr)
        return error.exit_code
    except StackRefused as error:
        # What `pulumi preview` prints (pkg/cmd/pulumi/operations/preview.go) before it runs
        # anything; the hints are the synth's own.
        # One line: the CLI's multi-line YAML errors ("unmarshal errors:\n  line 3: ...") too.
        print("error: " + " ".join(str(error).split("\n")).replace("  ", " "), file=sys.stderr)
        for hint in error.hints:
            print(f"hint: {hint}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except Exception as error:  # noqa: BLE001 - one line, no traceback, for any program failure
        print(f"synth: the program failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_PROGRAM_FAILED
    try:
        if base is not None:
            print(_plan_text(base, result, args.json))
        else:
            print(json.dumps(result.document(), indent=2) if args.json else format_tree(result))
        sys.stdout.flush()
    except BrokenPipeError:
        return process_end.broken_pipe()
    return EXIT_OK


if __name__ == "__main__":
    # A one-shot process: cyclic GC passes while pulumi_aws builds its thousands of generated
    # classes, and again at interpreter teardown, are pure overhead (a third of the wall time,
    # see bench/synth.py). Nothing here lives long enough to need them.
    gc.disable()
    exit_code = main()
    gc.freeze()
    sys.exit(exit_code)
