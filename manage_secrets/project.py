"""Which checkout of the stack the CLI acts on, and which stacks it has.

Writes run `pulumi ... --cwd <project>`, and a stack name is only good if the project has its
`Pulumi.<stack>.yaml`. The project is, in this order: `--project-dir`, MANAGE_SECRETS_PROJECT_DIR,
or the checkout the working directory is in (any folder of it). An installed CLI outside any
checkout has none, and says so before it runs anything.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from manage_secrets.errors import EXIT_NO_PROJECT, EXIT_USAGE, CliError

PROJECT_NAME = "programador-musical"
ENVIRONMENT = "MANAGE_SECRETS_PROJECT_DIR"
NAME_LINE = re.compile(r"^name:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


@dataclass(frozen=True)
class Project:
    directory: Path

    @property
    def stacks(self) -> list[str]:
        return sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in self.directory.glob("Pulumi.*.yaml")
        )

    def stack(self, name: str) -> str:
        """`name` if the project has that stack; else a usage error naming the ones it has."""
        if name in self.stacks:
            return name
        close = difflib.get_close_matches(name, self.stacks, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise CliError(
            EXIT_USAGE,
            f"no stack {name!r} in {self.directory} (its stacks: {', '.join(self.stacks)}){hint}",
        )


def _is_project(directory: Path) -> bool:
    found = directory / "Pulumi.yaml"
    if not found.is_file():
        return False
    name = NAME_LINE.search(found.read_text(errors="replace"))
    return bool(name) and name.group(1) == PROJECT_NAME


def find_project(given: Path | None, working_directory: Path | None = None) -> Project:
    explicit = given or (Path(os.environ[ENVIRONMENT]) if os.environ.get(ENVIRONMENT) else None)
    if explicit is not None:
        directory = explicit.expanduser().resolve()
        if not _is_project(directory):
            source = "--project-dir" if given else ENVIRONMENT
            raise CliError(
                EXIT_NO_PROJECT,
                f"{source} {directory} is not a checkout of the {PROJECT_NAME} stack (no "
                f"Pulumi.yaml named {PROJECT_NAME} there)",
            )
        return Project(directory)
    here = (working_directory or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if _is_project(directory):
            return Project(directory)
    raise CliError(
        EXIT_NO_PROJECT,
        f"not inside a checkout of the {PROJECT_NAME} stack: run from one, or pass "
        f"--project-dir DIR (or set {ENVIRONMENT})",
    )
