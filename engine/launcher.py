"""`pulumi` inside the engine tier: the real CLI (`.engine/cli/pulumi`), every argument passed
through unchanged, its output and exit code its own.

The commands that run the program (up, preview, refresh, destroy) get `--client`: the program is
served by the Python SDK's own language server, as the Automation API's inline mode does
(automation/_stack.py), because the Python language host cannot be built here (its Go module is
not served by the module proxy). The server runs the program as the host would: `__main__.py` of
the project directory, that directory first on sys.path and as the working directory, and the
config in PULUMI_CONFIG (pulumi-language-python/main.go, Run, sets it for the program).
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import subprocess
import sys
from concurrent import futures
from pathlib import Path

from engine import layout

PROGRAM_COMMANDS = {"up", "update", "preview", "refresh", "destroy"}
# The address of a language server that serves every program (engine/program_host.py).
SHARED_SERVER = "ENGINE_PROGRAM_SERVER"


def _program_directory(args: list[str]) -> Path:
    """The project directory the CLI will use: `--cwd DIR` / `-C DIR`, else the working one."""
    for index, arg in enumerate(args):
        if arg in ("--cwd", "-C") and index + 1 < len(args):
            return Path(args[index + 1]).resolve()
        if arg.startswith("--cwd="):
            return Path(arg.split("=", 1)[1]).resolve()
    return Path.cwd()


def _command(args: list[str]) -> str | None:
    """The first word that is not an option or an option's value."""
    takes_value = {"--cwd", "-C", "--stack", "-s", "--color", "--verbose", "-v", "--tracing"}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def serve_program(directory: Path | None, before_run=None, lock=None):
    """Starts the SDK's language server for the program in `directory` (None: the directory the
    CLI names in each run request, for a server shared by many runs); returns (server, port)."""
    import grpc
    from pulumi.runtime.proto import language_pb2_grpc

    from harness.sdk_internals import language_server

    chosen: list[Path] = []

    def program() -> None:
        runpy.run_path(str(chosen[-1]), run_name="__main__")

    server_impl, options = language_server(program)
    run = server_impl.Run

    def run_in_its_directory(request, context):
        folder = directory or Path(request.info.program_directory or request.pwd)
        with lock or _NoLock():
            if before_run:
                before_run()
            chosen.append(folder)
            os.chdir(folder)
            os.environ["PULUMI_CONFIG"] = json.dumps(dict(request.config))
            os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
            return run(request, context)

    server_impl.Run = run_in_its_directory
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=options)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(server_impl, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def main(argv: list[str]) -> int:
    if not layout.CLI.exists():
        print("pulumi (engine tier): no CLI in .engine/cli: run `make engine`", file=sys.stderr)
        return 127
    args = list(argv)
    server = None
    if _command(args) in PROGRAM_COMMANDS and not any(a.startswith("--client") for a in args):
        shared = os.environ.get(SHARED_SERVER)
        if shared:
            address = shared  # an engine session's program host (engine/program_host.py)
        else:
            directory = _program_directory(args)
            os.chdir(directory)
            server, port = serve_program(directory)
            address = f"127.0.0.1:{port}"
        args += [f"--client={address}", "--exec-kind", "auto.inline"]
    child = subprocess.Popen([str(layout.CLI), *args])
    # Ctrl-C reaches the CLI through the terminal's process group; the CLI cancels cleanly, and
    # this process waits for it instead of dying first.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    code = child.wait()
    if server is not None:
        server.stop(0)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
