"""One engine session: the tier's CLI with a local file backend and a passphrase secrets provider
in a temporary directory, the moto server the stand-in providers act on, and scratch copies of
programs to run (this working tree, an earlier commit, an example), never the checkout itself:
`pulumi stack init` writes the secrets provider's salt into the stack file.

    with EngineSession() as engine:
        project = engine.project()            # a scratch copy of this working tree
        engine.pulumi(project, "stack", "init", "production")
        engine.pulumi(project, "preview", "--stack", "production")
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine import layout
from engine.launcher import SHARED_SERVER
from harness.git_tree import export_commit
from tests.support.aws_emulator import MotoServer, emulator_env, leased_emulator
from tests.support.pool import Pool

PASSPHRASE = "engine-tier-passphrase"


class EngineNotReady(Exception):
    """`make engine` has not run (or its CLI is gone); `str()` says so."""


@dataclass
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def tail(self) -> str:
        """The end of both streams, for a failure's message (stderr ends with the emulator's
        error log when it logged any)."""
        return f"{self.stdout[-4000:]}\n{self.stderr[-4000:]}"

    def check(self) -> Result:
        if self.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(self.args)} failed ({self.returncode}):\n{self.tail()}"
            )
        return self


def _working_tree_files(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (root / name).is_file()]


@dataclass
class _ProgramHost:
    process: subprocess.Popen
    address: str


def _start_program_host() -> _ProgramHost:
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "engine.program_host"],
        env={**os.environ, "PYTHONPATH": str(layout.ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return _ProgramHost(process, f"127.0.0.1:{process.stdout.readline().strip()}")


def _stop_program_host(host: _ProgramHost) -> None:
    host.process.stdin.close()  # the host serves until its stdin closes
    host.process.wait(timeout=30)


# The host forgets each program's modules before the next run, so sessions of one process can
# share it: a new one cost a second of Python and of importing the SDKs in each test module.
_PROGRAM_HOSTS: Pool[_ProgramHost] = Pool(
    start=_start_program_host,
    ready=lambda host: None,
    alive=lambda host: host.process.poll() is None,
    stop=_stop_program_host,
)


def stop_program_hosts() -> None:
    """Stops the program hosts this process's sessions started."""
    _PROGRAM_HOSTS.stop_all()


class EngineSession:
    def __init__(self, moto: MotoServer | None = None):
        if not (layout.CLI.exists() and (layout.BIN_DIR / "pulumi").exists()):
            raise EngineNotReady("the engine tier is not built: run `make engine`")
        self.moto = moto
        self._resources = contextlib.ExitStack()
        self.root = Path(tempfile.mkdtemp(prefix="engine-"))
        self.home = self.root / "pulumi-home"
        self.home.mkdir()
        (self.home / "plugins").symlink_to(layout.PLUGINS)
        # Each scratch copy gets a backend of its own (a file backend keys stacks by project and
        # stack name), unless it is given another copy's: a consumer and the stack it references.
        self._backends: dict[Path, Path] = {}
        self._copies = 0
        self._host_address = ""

    def __enter__(self) -> EngineSession:
        if self.moto is None:
            self.moto = self._resources.enter_context(leased_emulator())
        # One language server for every program this session runs (engine/program_host.py).
        self._host_address = self._resources.enter_context(_PROGRAM_HOSTS.lease()).address
        return self

    def __exit__(self, *exc) -> None:
        self._resources.close()  # gives back the program host, and the emulator if leased
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self, cwd: Path | None = None) -> dict[str, str]:
        # The backend of the scratch copy `cwd` is in (an example's folder is in its copy).
        owners = [p for p in self._backends if cwd is not None and cwd.is_relative_to(p)]
        backend = self._backends[max(owners, key=lambda p: len(p.parts))] if owners else None
        return emulator_env(
            self.moto.endpoint,
            AWS_REGION="us-east-1",
            **({SHARED_SERVER: self._host_address} if self._host_address else {}),
            PATH=f"{layout.BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}",
            PULUMI_HOME=str(self.home),
            **({"PULUMI_BACKEND_URL": f"file://{backend}"} if backend else {}),
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_SKIP_CONFIRMATIONS="true",
            NO_COLOR="1",
        )

    def _scratch(self, label: str, backend_of: Path | None) -> Path:
        self._copies += 1
        target = self.root / f"{self._copies:02d}-{label}"
        if backend_of is None:
            backend = self.root / f"{self._copies:02d}-backend"
            backend.mkdir()
        else:
            backend = self._backends[backend_of]
        self._backends[target] = backend
        return target

    def project(
        self,
        source: Path = layout.ROOT,
        label: str = "working-tree",
        backend_of: Path | None = None,
    ) -> Path:
        """A scratch copy of the working tree at `source` (tracked and untracked files), with a
        backend of its own or `backend_of`'s."""
        target = self._scratch(label, backend_of)
        for name in _working_tree_files(source):
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination)
        return target

    def commit(self, commit: str, label: str | None = None, backend_of: Path | None = None) -> Path:
        """A scratch copy of the repository at `commit` (written by git: harness/git_tree.py)."""
        target = self._scratch(label or commit[:12], backend_of)
        return export_commit(layout.ROOT, commit, target)

    def init_stack(self, project: Path, stack: str) -> Result:
        """`pulumi stack init` with the passphrase provider. A stack file's own secrets provider
        (its salt, its encrypted values) belongs to another backend: the salt is dropped and each
        `secure:` value is set again, as a placeholder secret, once the stack exists."""
        import yaml

        stack_file = project / f"Pulumi.{stack}.yaml"
        secure_keys = []
        if stack_file.exists():
            document = yaml.safe_load(stack_file.read_text()) or {}
            config = document.get("config") or {}
            secure_keys = [k for k, v in config.items() if isinstance(v, dict) and "secure" in v]
            if secure_keys or {"encryptionsalt", "secretsprovider", "encryptedkey"} & set(document):
                for key in ("encryptionsalt", "secretsprovider", "encryptedkey"):
                    document.pop(key, None)
                for key in secure_keys:
                    config.pop(key)
                stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
        done = self.pulumi(project, "stack", "init", stack, "--secrets-provider", "passphrase")
        for key in secure_keys:
            self.pulumi(
                project,
                "config",
                "set",
                "--stack",
                stack,
                "--secret",
                key,
                stdin=f"engine-tier-placeholder-for-{key.split(':')[-1]}",
            ).check()
        return done

    def pulumi(
        self, cwd: Path, *args: str, stdin: str | None = None, timeout: float = 600
    ) -> Result:
        done = subprocess.run(
            ["pulumi", *args],
            cwd=cwd,
            env=self.env(cwd),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stderr = done.stderr
        if done.returncode != 0 and (errors := self.moto.errors()):
            # A stand-in's "500 Internal Server Error" is a traceback in the emulator's log.
            stderr += f"\n--- the emulator's error log ---\n{errors}"
        return Result(tuple(args), done.returncode, done.stdout, stderr)
