"""Offline synth: runs a Pulumi program under mocks and renders what it would register.

No AWS account, no network and no Pulumi CLI are needed. The tests import `synthesize`, so the
synth and the tests always see the same stack.

    python -m tools.synth [--stack NAME] [--json] [--show-secrets] [--config key=value ...]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import runpy
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECURE_PLACEHOLDER = "offline-synth-placeholder-for-an-encrypted-config-value"

EXIT_OK = 0
EXIT_PROGRAM_FAILED = 1
EXIT_CONFIG_ERROR = 2
EXIT_NO_STACK = 3
EXIT_USAGE = 64


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
        }

    def resources_of(self, type_token: str) -> list[dict]:
        return [resource for resource in self.resources if resource["type"] == type_token]

    def resource(self, type_token: str, name: str) -> dict:
        matches = [r for r in self.resources_of(type_token) if r["name"] == name]
        if len(matches) != 1:
            raise KeyError(f"{type_token} {name}: {len(matches)} matches")
        return matches[0]


def _config_text(value: Any) -> str:
    """Config values as the Pulumi CLI hands them to a program: strings, JSON for structures."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_stack_config(
    stack: str, overrides: dict[str, str] | None = None, program_dir: Path = ROOT
) -> StackConfig:
    project_doc = yaml.safe_load((program_dir / "Pulumi.yaml").read_text())
    project = project_doc["name"]
    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise SynthUsageError(
            f"no {stack_file.name} in {program_dir}: create the stack with "
            f"`pulumi stack init {stack}` or pick one of "
            + ", ".join(sorted(p.name[7:-5] for p in program_dir.glob("Pulumi.*.yaml"))),
            EXIT_NO_STACK,
        )
    stack_doc = yaml.safe_load(stack_file.read_text()) or {}
    declared_secret = {
        _full_key(project, key)
        for key, spec in (project_doc.get("config") or {}).items()
        if isinstance(spec, dict) and spec.get("secret")
    }
    values: dict[str, str] = {}
    secret_keys = set()
    warnings = []
    for key, value in (stack_doc.get("config") or {}).items():
        full = _full_key(project, key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            warnings.append(
                f"{full} is encrypted and cannot be read offline; the synth uses a placeholder"
            )
            values[full] = SECURE_PLACEHOLDER
            secret_keys.add(full)
        else:
            values[full] = _config_text(value)
    for key, value in (overrides or {}).items():
        values[_full_key(project, key)] = value
    secret_keys |= declared_secret & set(values)
    return StackConfig(
        project=project,
        stack=stack,
        region=values.get("aws:region"),
        values=values,
        secret_keys=sorted(secret_keys),
        warnings=warnings,
    )


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
) -> SynthResult:
    """Runs `<program_dir>/__main__.py` under mocks; raises what the program raises
    (e.g. settings.ConfigError) after the runtime has shut down cleanly.

    `stack_references` answers `pulumi.StackReference("<org>/<project>/<stack>")` with the
    outputs of another synth (made with show_secrets=True, so the values are real)."""
    import pulumi
    from pulumi.runtime import settings as runtime_settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from tools.mock_cloud import MockCloud, RecordingMonitor, render

    config = load_stack_config(stack, overrides, program_dir)
    cloud = mocks or MockCloud(region=config.region or "us-east-1")
    for name, referenced in (stack_references or {}).items():
        cloud.stack_references[name] = (referenced.outputs, referenced.secret_outputs)
    monitor = RecordingMonitor(cloud)
    logger = logging.getLogger(f"synth.{config.project}.{stack}")
    logger.propagate = False
    logger.handlers = [collector := _Collect()]

    runtime_settings.ROOT.set(None)
    # Output tasks of an earlier synth in this process that failed are still queued here; they
    # would fail this run too.
    runtime_settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_mocks(
        cloud, config.project, stack, preview=False, logger=logger, monitor=monitor
    )
    pulumi.runtime.set_all_config(config.values, config.secret_keys)

    if str(program_dir) not in sys.path:
        sys.path.insert(0, str(program_dir))
    program = str(program_dir / "__main__.py")
    _sync_await(run_pulumi_func(lambda: runpy.run_path(program, run_name="__main__")))

    outputs: dict[str, Any] = {}
    secret_outputs: set[str] = set()
    for name, value in runtime_settings.get_root_resource().outputs.items():
        output = pulumi.Output.from_input(value)
        resolved = _sync_await(output.future())
        if _sync_await(output.is_secret()):
            secret_outputs.add(name)
            outputs[name] = render(resolved, True) if show_secrets else "[secret]"
        else:
            outputs[name] = render(resolved, True)

    by_urn = {r.urn: r.name for r in monitor.registrations}
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "parent": by_urn.get(r.parent_urn),
            "protect": r.protect,
            "inputs": render(r.inputs, show_secrets),
        }
        for r in monitor.registrations
    ]
    # Registration order depends on asyncio scheduling; a tree walk in (type, name) order is stable.
    resources = _tree_order(resources)
    return SynthResult(
        project=config.project,
        stack=stack,
        resources=resources,
        outputs=outputs,
        secret_outputs=secret_outputs,
        warnings=config.warnings + collector.messages,
        registrations=monitor.registrations,
    )


def _tree_order(resources: list[dict]) -> list[dict]:
    children: dict[str | None, list[dict]] = {}
    for resource in sorted(resources, key=lambda r: (r["type"], r["name"])):
        children.setdefault(resource["parent"], []).append(resource)
    ordered: list[dict] = []

    def walk(parent: str | None) -> None:
        for resource in children.get(parent, []):
            ordered.append(resource)
            walk(resource["name"])

    walk(None)
    return ordered


def format_tree(result: SynthResult) -> str:
    lines = [f"{result.project} / {result.stack} (offline synth: Pulumi mocks, no AWS)", ""]
    # result.resources is already in tree order (_tree_order): parents before their children.
    depth: dict[str | None, int] = {None: -1}
    for resource in result.resources:
        depth[resource["name"]] = depth[resource["parent"]] + 1
        pad = "  " * depth[resource["name"]]
        flag = "  [protected]" if resource["protect"] else ""
        lines.append(f"{pad}{resource['type']}  {resource['name']}{flag}")
        for key, value in resource["inputs"].items():
            shown = value if isinstance(value, str) else json.dumps(value)
            lines.append(f"{pad}    {key}: {shown}")
    lines += ["", "outputs:"]
    lines += [f"    {name}: {json.dumps(value)}" for name, value in result.outputs.items()]
    if result.warnings:
        lines += ["", "warnings:"] + [f"    {warning}" for warning in result.warnings]
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, as `pulumi config set` would (repeatable)",
    )


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SynthUsageError(f"--config takes key=value, got {pair.split('=')[0]!r}")
        overrides[key] = value
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m tools.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stack", default="production", help="stack to render (Pulumi.<stack>.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--show-secrets", action="store_true", help="print secret values instead of [secret]"
    )
    add_config_argument(parser)
    args = parser.parse_args(argv)

    from settings import ConfigError

    # A failing program leaves sibling futures whose errors asyncio would log at exit; the one
    # line printed below already says what failed.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    try:
        result = synthesize(
            args.stack, parse_overrides(args.config), show_secrets=args.show_secrets
        )
    except SynthUsageError as error:
        print(f"synth: {error}", file=sys.stderr)
        return error.exit_code
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except Exception as error:  # noqa: BLE001 - one line, no traceback, for any program failure
        print(f"synth: the program failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_PROGRAM_FAILED
    print(json.dumps(result.document(), indent=2) if args.json else format_tree(result))
    return EXIT_OK


if __name__ == "__main__":
    # A one-shot process: cyclic GC passes while pulumi_aws builds its thousands of generated
    # classes, and again at interpreter teardown, are pure overhead (a third of the wall time,
    # see bench/synth.py). Nothing here lives long enough to need them.
    gc.disable()
    exit_code = main()
    gc.freeze()
    sys.exit(exit_code)
