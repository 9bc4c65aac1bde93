"""The offline synth: runs a Pulumi program under mocks and renders what it would register.

No AWS account, no network and no Pulumi CLI are needed. The tests import `synthesize`, so the
synth (`python -m tools.synth`, tools/synth.py) and the tests always see the same stack.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import runpy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.stack_loading import (
    ROOT,
    language_host_config,
    load_stack_config,
)


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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, paused while a program runs. A synth makes asyncio
    tasks, futures and Outputs by the ten thousand, nearly all in reference cycles that live
    until its end: each pass of the collector meanwhile walks them, frees nothing and moves them
    to an older generation, to walk them again there. Paused, it walks each once, after the
    synth, when they are garbage (a synth in a test process: 120 -> 106 ms of CPU). Left as it
    was: a one-shot process that turned the collector off (tools/synth.py) keeps it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    # First, before the SDK is imported: a stack or project file the CLI would refuse, or no
    # such stack, is reported without that import's tenth of a second.
    config = load_stack_config(stack, overrides, program_dir, secret_overrides)

    import pulumi

    from harness.mock_cloud import MockCloud, render
    from harness.recording_monitor import RecordingMonitor
    from harness.sdk_internals import (
        SECRET_SIGNATURE,
        forget_root_stack,
        report_once,
        without_source_positions,
    )

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
    with collector_paused(), language_host_config(config), without_source_positions():
        try:
            pulumi.runtime.test(run_program)()
        except Exception as error:
            report_once(error)
            raise

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
            # What the mocks assigned, as AWS would (ids, ARNs): a change plan follows them
            # across a rename (harness/change_plan.py).
            "assigned": render(
                {k: v for k, v in r.state.items() if k not in r.inputs}, show_secrets, digest_key
            ),
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
    from harness.preview import format_preview

    return format_preview(result)
