"""The Pulumi SDK's private parts the offline harness cannot do without, all here.

Everything else goes through the public testing API: `pulumi.runtime.set_mocks` (with our own
monitor), `pulumi.runtime.Mocks`, and `pulumi.runtime.test` to run the program and await its
outputs. The SDK versions are pinned exactly in requirements-dev.txt, so a release that changes
one of these arrives as a Dependabot pull request whose `make test` shows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.sync_await import _ensure_event_loop

# How a secret travels in a property map (sdk/python/lib/pulumi/runtime/rpc.py): mocks return
# state in that form so additionalSecretOutputs come back as secrets, as from the engine.
SECRET_SIGNATURE = {rpc._special_sig_key: rpc._special_secret_sig}


@contextmanager
def without_source_positions() -> Iterator[None]:
    """Every registration extracts the whole Python stack, source lines included, to send the
    engine where the resource was declared (runtime/resource.py, _get_stack_trace). The mocks'
    monitor never reads it, and under pytest's deep stack it was a quarter of a synth's time, so
    the offline synth sends an empty trace while its program runs."""
    extract = runtime_resource._get_stack_trace
    runtime_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        runtime_resource._get_stack_trace = extract


def forget_root_stack() -> None:
    """set_mocks creates a root stack only when there is none (runtime/mocks.py, set_mocks), so
    each synth in one process clears the previous one's first."""
    runtime_settings.ROOT.set(None)


_REPORTED = "_reported_by_the_offline_synth"


def report_once(error: BaseException) -> None:
    """A failed registration sets its error on every output future of the resources waiting on
    it, and `pulumi.runtime.test` drops those futures at the next synth (runtime/mocks.py, test).
    asyncio then logs each one as "Future exception was never retrieved" when it is collected:
    hundreds of copies of a traceback the caller is already handling. In a real `pulumi preview`
    the language host exits instead. Marks `error` (exceptions take attributes but no weak
    references) so the loop's handler leaves out those copies and passes on everything else."""
    setattr(error, _REPORTED, True)
    loop = _ensure_event_loop()
    if loop.get_exception_handler() is not _drop_reported_copies:
        loop.set_exception_handler(_drop_reported_copies)


def _drop_reported_copies(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    if not getattr(context.get("exception"), _REPORTED, False):
        loop.default_exception_handler(context)


def thread_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop MockMonitor gives the current executor thread (runtime/sync_await.py)."""
    return _ensure_event_loop()


def language_server(program):
    """The Automation API's inline-program language server (automation/_server.py, which
    Stack.up/preview start and hand to the CLI as `--client`), and the gRPC options the
    Automation API starts it with (runtime/_grpc_settings.py)."""
    from pulumi.automation._server import LanguageServer
    from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS

    return LanguageServer(program), _GRPC_CHANNEL_OPTIONS
