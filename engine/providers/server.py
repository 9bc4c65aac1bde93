"""Pulumi's provider protocol (proto/pulumi/provider.proto), served with the gRPC stubs the Python
SDK ships, around a plain Python provider: each stand-in implements the methods of `StandIn` on
plain dictionaries and raises ProviderError with the one line the engine should print.

A plugin is started by the engine with the engine's address as its argument and answers with
its port on the first line of stdout (sdk/go/common/resource/plugin/plugin.go, newPlugin).
"""

from __future__ import annotations

import sys
from concurrent import futures
from dataclasses import dataclass, field

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from engine.providers.values import from_struct, to_struct

KIND = provider_pb2.PropertyDiff.Kind


_ENGINE: list[str] = []  # the engine's address, from the plugin's command line


def note(urn: str, message: str) -> None:
    """An info diagnostic on the resource, as the CLI shows a provider's (the engine's Log)."""
    if not _ENGINE:
        return
    from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

    with grpc.insecure_channel(_ENGINE[0]) as channel:
        engine_pb2_grpc.EngineStub(channel).Log(
            engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn)
        )


class ProviderError(Exception):
    """A failed operation; `str()` is what the engine prints against the resource."""


@dataclass
class Diff:
    # Top-level input properties that differ, and the subset that forces a replacement.
    changed: dict[str, str] = field(default_factory=dict)  # property -> "add" | "delete" | "update"
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


class StandIn:
    name = ""
    version = ""

    def configure(self, variables: dict) -> None: ...

    def check(self, type_: str, urn: str, olds: dict, news: dict) -> tuple[dict, list]:
        return news, []

    def diff(self, type_: str, urn: str, id_: str, olds: dict, news: dict, old_inputs: dict):
        raise NotImplementedError

    def create(self, type_: str, urn: str, inputs: dict, preview: bool) -> tuple[str, dict]:
        raise NotImplementedError

    def read(self, type_: str, urn: str, id_: str, state: dict, inputs: dict):
        """(id, outputs, inputs), or None when the resource is gone."""
        raise NotImplementedError

    def update(self, type_, urn, id_, olds, news, old_inputs, preview) -> dict:
        raise NotImplementedError

    def delete(self, type_: str, urn: str, id_: str, state: dict) -> None:
        raise NotImplementedError

    def invoke(self, token: str, args: dict) -> dict:
        raise ProviderError(f"the {self.name} stand-in does not answer {token}")


def _failed(context, error: Exception) -> None:
    context.abort(grpc.StatusCode.UNKNOWN, str(error))


class _Servicer(provider_pb2_grpc.ResourceProviderServicer):
    def __init__(self, provider: StandIn):
        self.provider = provider

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=self.provider.version)

    def CheckConfig(self, request, context):
        return provider_pb2.CheckResponse(inputs=request.news)

    def DiffConfig(self, request, context):
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_NONE)

    def Configure(self, request, context):
        self.provider.configure({**dict(request.variables), **from_struct(request.args)})
        return provider_pb2.ConfigureResponse(acceptSecrets=True, supportsPreview=True)

    def Check(self, request, context):
        try:
            inputs, failures = self.provider.check(
                request.type, request.urn, from_struct(request.olds), from_struct(request.news)
            )
        except ProviderError as error:
            return _failed(context, error)
        return provider_pb2.CheckResponse(
            inputs=to_struct(inputs),
            failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in failures],
        )

    def Diff(self, request, context):
        try:
            diff = self.provider.diff(
                request.type,
                request.urn,
                request.id,
                from_struct(request.olds),
                from_struct(request.news),
                from_struct(request.old_inputs),
            )
        except ProviderError as error:
            return _failed(context, error)
        kinds = {"add": KIND.ADD, "delete": KIND.DELETE, "update": KIND.UPDATE}
        detailed = {}
        for name, change in diff.changed.items():
            kind = kinds[change] + (1 if name in diff.replaces else 0)  # *_REPLACE follows each
            detailed[name] = provider_pb2.PropertyDiff(kind=kind, inputDiff=True)
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME
            if diff.changed
            else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=sorted(diff.changed),
            replaces=sorted(diff.replaces),
            deleteBeforeReplace=diff.delete_before_replace,
            detailedDiff=detailed,
            hasDetailedDiff=True,
        )

    def Create(self, request, context):
        try:
            id_, outputs = self.provider.create(
                request.type, request.urn, from_struct(request.properties), request.preview
            )
        except ProviderError as error:
            return _failed(context, error)
        return provider_pb2.CreateResponse(id=id_, properties=to_struct(outputs))

    def Read(self, request, context):
        try:
            found = self.provider.read(
                request.type,
                request.urn,
                request.id,
                from_struct(request.properties),
                from_struct(request.inputs),
            )
        except ProviderError as error:
            return _failed(context, error)
        if found is None:
            return provider_pb2.ReadResponse()
        id_, outputs, inputs = found
        return provider_pb2.ReadResponse(
            id=id_, properties=to_struct(outputs), inputs=to_struct(inputs)
        )

    def Update(self, request, context):
        try:
            outputs = self.provider.update(
                request.type,
                request.urn,
                request.id,
                from_struct(request.olds),
                from_struct(request.news),
                from_struct(request.old_inputs),
                request.preview,
            )
        except ProviderError as error:
            return _failed(context, error)
        return provider_pb2.UpdateResponse(properties=to_struct(outputs))

    def Delete(self, request, context):
        try:
            self.provider.delete(
                request.type, request.urn, request.id, from_struct(request.properties)
            )
        except ProviderError as error:
            return _failed(context, error)
        return empty_pb2.Empty()

    def Invoke(self, request, context):
        try:
            result = self.provider.invoke(request.tok, from_struct(request.args))
        except ProviderError as error:
            return _failed(context, error)
        return provider_pb2.InvokeResponse(**{"return": to_struct(result)})

    def Cancel(self, request, context):
        return empty_pb2.Empty()


def serve(provider: StandIn) -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(_Servicer(provider), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    _ENGINE[:] = sys.argv[1:2]
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass  # the engine ends its plugins with an interrupt once it is done with them
