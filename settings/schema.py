"""Config keys as Pulumi.yaml declares them, read by type, with problems collected (not raised)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import yaml

PROJECT_FILE = Path(__file__).resolve().parents[1] / "Pulumi.yaml"


@dataclass(frozen=True)
class ConfigProblem:
    key: str
    shown_value: str
    accepted: str

    def __str__(self) -> str:
        return f"{self.key} = {self.shown_value}: expected {self.accepted}"


class ConfigError(pulumi.RunError):
    """All configuration problems of one run; never carries a secret value.

    A RunError, so `pulumi preview` prints the message without a traceback."""

    def __init__(self, project: str, problems: list[ConfigProblem]):
        self.project = project
        self.problems = problems
        lines = [f"  - {project}:{problem}" for problem in problems]
        super().__init__(
            f"invalid stack configuration ({len(problems)} problem(s)); "
            "fix each with `pulumi config set <key> <value>`:\n" + "\n".join(lines)
        )


@cache
def config_schema() -> dict[str, dict]:
    """The `config:` block of Pulumi.yaml: key -> {type, description, default, secret}."""
    return yaml.safe_load(PROJECT_FILE.read_text())["config"]


class Reader:
    """Parses raw config strings by their declared type, recording problems instead of raising."""

    def __init__(
        self,
        project: str,
        raw: Callable[[str], str | None],
        is_secret: Callable[[str], bool],
    ):
        self.project = project
        self.raw = raw
        self.is_secret = is_secret
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, value: Any, accepted: str, secret: bool = False) -> None:
        # Declared secret in Pulumi.yaml, or set with `pulumi config set --secret`.
        secret = secret or config_schema().get(key, {}).get("secret", False) or self.is_secret(key)
        shown = "[secret]" if secret else ("(not set)" if value is None else repr(value))
        self.problems.append(ConfigProblem(key, shown, accepted))

    def value(self, key: str) -> Any:
        spec = config_schema()[key]
        text = self.raw(key)
        if text is None:
            return spec.get("default")
        kind = spec["type"]
        if kind == "string":
            return text
        if kind == "integer":
            try:
                return int(text.strip())
            except ValueError:
                self.problem(key, text, "an integer")
                return None
        if kind == "boolean":
            if text.strip().lower() in ("true", "false"):
                return text.strip().lower() == "true"
            self.problem(key, text, "true or false")
            return None
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list):
            self.problem(key, text, "a list (YAML sequence)")
            return None
        return parsed

    def integer(self, key: str, low: int, high: int) -> int | None:
        number = self.value(key)
        if number is not None and not low <= number <= high:
            self.problem(key, number, f"an integer from {low} to {high}")
        return number

    def matching(self, key: str, pattern: re.Pattern, accepted: str) -> str | None:
        text = self.value(key)
        if text is None:
            self.problem(key, None, accepted)
        elif not pattern.match(text):
            self.problem(key, text, accepted)
        return text
