"""Writes go through Pulumi: values belong to the stack, so this CLI only changes its config
and runs `pulumi up` / `destroy`, printing every command before it runs it."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from manage_secrets.errors import EXIT_ABORTED, EXIT_NO_PULUMI, EXIT_PULUMI_FAILED, CliError


@dataclass(frozen=True)
class PulumiCommand:
    args: tuple[str, ...]
    # Secret values reach `pulumi config set` on stdin, never on the command line.
    stdin: str | None = None

    def shown(self) -> str:
        line = shlex.join(("pulumi", *self.args))
        return line + " < (secret value on stdin)" if self.stdin is not None else line


@dataclass
class PulumiPlan:
    stack: str
    # The checkout Pulumi runs in (manage_secrets/project.py), never where this code is installed.
    project_dir: Path
    commands: list[PulumiCommand] = field(default_factory=list)
    # Steps after the Pulumi commands (e.g. applying the password to RDS): (shown, action).
    then: list[tuple[str, Callable[[], str]]] = field(default_factory=list)

    def _common(self) -> tuple[str, ...]:
        return ("--stack", self.stack, "--cwd", str(self.project_dir))

    def config_set(self, key: str, value: str, secret: bool = False) -> PulumiPlan:
        if secret:
            args = ("config", "set", *self._common(), "--secret", key)
            self.commands.append(PulumiCommand(args, stdin=value))
        else:
            self.commands.append(PulumiCommand(("config", "set", *self._common(), key, value)))
        return self

    def config_rm(self, key: str) -> PulumiPlan:
        """Removing a key that is not set is not an error for the Pulumi CLI (Map.Remove)."""
        self.commands.append(PulumiCommand(("config", "rm", *self._common(), key)))
        return self

    def config_get(self, key: str) -> str | None:
        """Reads one config value now (`pulumi config get`), None when the stack does not set it:
        reading is safe, so it runs before the plan is shown."""
        executable = shutil.which("pulumi")
        if executable is None:
            raise CliError(
                EXIT_NO_PULUMI,
                f"the Pulumi CLI is not installed here: it is needed to read {key} "
                f"(`pulumi config get {key} --stack {self.stack}`)",
            )
        args = ("config", "get", *self._common(), key)
        result = subprocess.run([executable, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            if "not found" in result.stderr:
                return None
            raise CliError(
                EXIT_PULUMI_FAILED,
                f"`{shlex.join(('pulumi', *args))}` failed (exit {result.returncode}): fix what "
                "Pulumi reported and rerun",
            )
        return result.stdout.strip()

    def run(self, verb: str, yes: bool) -> PulumiPlan:
        self.commands.append(PulumiCommand((verb, *self._common(), *(["--yes"] if yes else []))))
        return self

    def execute(self, yes: bool, out=print) -> None:
        out("commands:")
        for command in self.commands:
            out(f"  $ {command.shown()}")
        for shown, _ in self.then:
            out(f"  $ {shown}")
        executable = shutil.which("pulumi")
        if executable is None:
            raise CliError(
                EXIT_NO_PULUMI,
                "the Pulumi CLI is not installed here: run the commands above where it is",
            )
        if not yes:
            if not sys.stdin.isatty():
                raise CliError(EXIT_ABORTED, "not confirmed: rerun with --yes to run them")
            if input("run them? [y/N] ").strip().lower() not in ("y", "yes"):
                raise CliError(EXIT_ABORTED, "not confirmed: nothing was changed")
        for done, command in enumerate(self.commands):
            out(f"$ {command.shown()}")
            result = subprocess.run(
                [executable, *command.args], input=command.stdin, text=True, check=False
            )
            if result.returncode != 0:
                raise CliError(
                    EXIT_PULUMI_FAILED,
                    f"`{command.shown()}` failed (exit {result.returncode}) after {done} "
                    "command(s) had run; fix what Pulumi reported and rerun",
                )
        for shown, action in self.then:
            out(f"$ {shown}")
            out(action())
