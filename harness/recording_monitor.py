"""The mock monitor the synth registers through: it keeps what the engine would see of each
registration (inputs, options, property dependencies, aliases), with the engine's URNs."""

from __future__ import annotations

import asyncio
import atexit
import threading
from dataclasses import dataclass, field

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from harness.mock_cloud import MockCloud
from harness.pulumi_cli import urn
from harness.sdk_internals import thread_event_loop

# MockMonitor gives each executor thread an event loop of its own and never closes it; left to
# interpreter shutdown, those loops print "Exception ignored ... Invalid file descriptor" on
# stderr. They stay open for later synths in the same process and are closed at exit.
_THREAD_LOOPS: set[asyncio.AbstractEventLoop] = set()


@atexit.register
def _close_thread_loops() -> None:
    for loop in _THREAD_LOOPS:
        if not loop.is_running() and not loop.is_closed():
            loop.close()


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent_urn: str | None
    protect: bool
    custom: bool
    inputs: dict
    # Inputs plus what the mocks computed (ids, ARNs), as a stack policy would see them.
    state: dict
    # Resource options as the engine receives them (dependsOn as URNs; named by the synth).
    options: dict = field(default_factory=dict)
    # Which resources' outputs each input property was built from (URNs), as the engine records
    # them in the state's propertyDependencies: in a preview those inputs are unknown whenever
    # one of the resources is being created or replaced.
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


def _options(request, engine_urn) -> dict:
    """The options of a RegisterResourceRequest that change what `pulumi up` does. The SDK sends
    explicit dependsOn and input dependencies together; the explicit ones are those no input
    carries."""
    from_inputs = {urn for deps in request.propertyDependencies.values() for urn in deps.urns}
    return {
        "protect": bool(request.protect),
        "retainOnDelete": bool(request.retainOnDelete),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "dependsOn": sorted(engine_urn(u) for u in set(request.dependencies) - from_inputs),
    }


def alias_urns(request, stack: str, project: str, parent_urn: str | None, engine_urn) -> list:
    """The URNs a registration's aliases stand for. A spec leaves out what stays the same as the
    resource's own: name, type, stack, project, parent (pulumi/pulumi proto/pulumi/alias.proto;
    the engine resolves them in pkg/resource/deploy/source_eval.go, generateAliases)."""
    urns = []
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = parent_urn
        if spec.parentUrn:
            parent = engine_urn(spec.parentUrn)
        elif spec.noParent:
            parent = None
        urns.append(
            urn.child(
                spec.stack or stack,
                spec.project or project,
                parent,
                spec.type or request.type,
                spec.name or request.name,
            )
        )
    return urns


def _without_provider_code(inputs: dict) -> dict:
    """A dynamic resource's `__provider` is its provider class pickled (base64, thousands of
    characters, different per Python version); the render names it instead."""
    if "__provider" in inputs:
        return {**inputs, "__provider": "[the provider, pickled by pulumi.dynamic]"}
    return inputs


class RecordingMonitor(MockMonitor):
    """Keeps what the engine would see of each registration, with the engine's URNs (the mock
    monitor's own are not: harness/pulumi_cli/urn.py), and applies additionalSecretOutputs the way
    the engine does (plain mocks leave those outputs readable)."""

    def __init__(self, mocks: MockCloud, stack: str, project: str):
        super().__init__(mocks)
        self.cloud = mocks
        self.stack = stack
        self.project = project
        self.registrations: list[Registration] = []
        # The mock monitor's URN of each registered resource -> the engine's.
        self._engine_urns: dict[str, str] = {}

    def engine_urn(self, mock_urn: str) -> str:
        return self._engine_urns.get(mock_urn, mock_urn)

    def _note_thread_loop(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            _THREAD_LOOPS.add(thread_event_loop())

    def Invoke(self, request):
        try:
            return super().Invoke(request)
        finally:
            self._note_thread_loop()

    def RegisterResource(self, request):
        parent = self.engine_urn(request.parent) if request.parent else None
        engine = urn.child(self.stack, self.project, parent, request.type, request.name)
        self.cloud.registering.secret_outputs = list(request.additionalSecretOutputs)
        self.cloud.registering.urn = engine
        try:
            response = super().RegisterResource(request)
        finally:
            self.cloud.registering.secret_outputs = ()
            self.cloud.registering.urn = None
            self._note_thread_loop()
        self._engine_urns[response.urn] = engine
        if request.type != urn.ROOT_STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=engine,
                    parent_urn=parent,
                    protect=bool(request.protect),
                    custom=bool(request.custom),
                    inputs=_without_provider_code(rpc.deserialize_properties(request.object)),
                    state=rpc.deserialize_properties(response.object),
                    options={
                        **_options(request, self.engine_urn),
                        "aliases": alias_urns(
                            request, self.stack, self.project, parent, self.engine_urn
                        ),
                    },
                    property_dependencies={
                        name: sorted(self.engine_urn(u) for u in deps.urns)
                        for name, deps in request.propertyDependencies.items()
                        if deps.urns
                    },
                )
            )
        return response
