"""Stand-in for `pulumi-language-python`, RunPlugin only: it starts a Python policy pack the way the
real host does (pulumi-language-python/main.go, RunPlugin: `python -u -m pulumi.policy <args>
<pack directory>`, the policy runner the Python SDK ships), and streams the pack's output back.

Programs never reach it: the engine tier serves them through `--client` (engine/launcher.py).
Every other method answers Unimplemented, as an older host would. The pack runs on the tier's
Python, which has the pack's requirements (policy/requirements.txt is a subset of the tier's);
the real host would use the virtualenv PulumiPolicy.yaml names.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent import futures

import grpc
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

from engine import layout


class PolicyPackHost(language_pb2_grpc.LanguageRuntimeServicer):
    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=layout.pinned_version().lstrip("v"))

    def RunPlugin(self, request, context):
        if request.kind != "analyzer":
            context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                f"the engine tier's language host runs policy packs only, not {request.kind}",
            )
        directory = request.info.program_directory or request.pwd
        env = dict(item.split("=", 1) for item in request.env if "=" in item)
        command = [sys.executable, "-u", "-m", "pulumi.policy", *request.args, directory]
        process = subprocess.Popen(
            command,
            cwd=request.pwd or directory,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Both pipes drained at once, line by line, so neither can fill and stall the pack.
        lines: list[language_pb2.RunPluginResponse] = []
        lock = threading.Condition()

        def pump(stream, field: str) -> None:
            for line in iter(stream.readline, b""):
                with lock:
                    lines.append(language_pb2.RunPluginResponse(**{field: line}))
                    lock.notify()

        pumps = [
            threading.Thread(target=pump, args=(process.stdout, "stdout"), daemon=True),
            threading.Thread(target=pump, args=(process.stderr, "stderr"), daemon=True),
        ]
        for thread in pumps:
            thread.start()
        while True:
            with lock:
                lock.wait_for(lambda: lines or not any(t.is_alive() for t in pumps), timeout=1)
                pending, lines[:] = list(lines), []
            yield from pending
            if not pending and not any(t.is_alive() for t in pumps):
                break
        yield language_pb2.RunPluginResponse(exitcode=process.wait())


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(PolicyPackHost(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass  # the engine ends its plugins with an interrupt once it is done with them


if __name__ == "__main__":
    main()
