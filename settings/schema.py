"""Config values read by their declared type, with problems collected (not raised)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from settings.declarations import BY_NAME, LEGACY_NAMES

# What the Pulumi CLI accepts for `type: integer` (Go's strconv.Atoi, pulumi/pulumi
# sdk/go/common/workspace/project.go ValidateConfigValue), so the program reads what the CLI let in.
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class ConfigProblem:
    key: str
    shown_value: str
    accepted: str

    def __str__(self) -> str:
        return f"{self.key} = {self.shown_value}: expected {self.accepted}"


class ConfigError(Exception):
    """All configuration problems of one run; never carries a secret value. Inside a Pulumi
    program it is raised as settings.program.ProgramConfigError, a pulumi.RunError."""

    def __init__(self, project: str, problems: list[ConfigProblem]):
        self.project = project
        self.problems = problems
        # A key of another namespace (`aws:region`) is named as it is set, not under ours.
        lines = [
            f"  - {problem}" if ":" in problem.key else f"  - {project}:{problem}"
            for problem in problems
        ]
        super().__init__(
            f"invalid stack configuration ({len(problems)} problem(s)); "
            "fix each with `pulumi config set <key> <value>`:\n" + "\n".join(lines)
        )


def closest_name(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate a mistyped name most likely meant, ignoring case and punctuation."""

    def plain(text: str) -> str:
        return "".join(c for c in text if c.isalnum()).lower()

    by_plain = {plain(candidate): candidate for candidate in candidates}
    matches = difflib.get_close_matches(plain(name), by_plain, n=1, cutoff=0.75)
    return by_plain[matches[0]] if matches else None


def closest_key(name: str) -> str | None:
    """The declared key a mistyped one (or one of the old dotted layout) most likely meant."""
    return LEGACY_NAMES.get(name) or closest_name(name, BY_NAME)


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

    def problem(self, key: str, value: Any, accepted: str | None = None) -> None:
        # Declared secret, or set with `pulumi config set --secret`: never shown.
        declaration = BY_NAME.get(key)
        secret = (declaration is not None and declaration.secret) or self.is_secret(key)
        shown = "[secret]" if secret else ("(not set)" if value is None else repr(value))
        accepted = accepted or (declaration.accepted if declaration else "a declared key")
        self.problems.append(ConfigProblem(key, shown, accepted))

    def undeclared(self, names: Iterable[str]) -> None:
        """Keys of this project's namespace that no declaration knows (typos, the old layout)."""
        for name in sorted(names):
            if name in BY_NAME:
                continue
            value = self.raw(name)
            if name in LEGACY_NAMES:
                new = LEGACY_NAMES[name]
                self.problem(
                    name,
                    value,
                    f"the key `{new}`: the dotted layout was replaced by flat keys; rename "
                    f"`{self.project}:{name}` to `{self.project}:{new}` in the stack file (the "
                    "value, encrypted or not, stays as it is)",
                )
                continue
            suggestion = closest_key(name)
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
            self.problem(
                name,
                value,
                f"a key this project declares (see Pulumi.yaml){hint} Remove it with "
                f"`pulumi config rm {name}`",
            )

    def value(self, key: str) -> Any:
        declaration = BY_NAME[key]
        text = self.raw(key)
        if text is None:
            return declaration.default
        if declaration.type == "string":
            return text
        if declaration.type == "integer":
            # Within int64, as the CLI's Atoi reads it (a longer one would also pass Python's
            # integer conversion limit).
            if INTEGER_TEXT.fullmatch(text) and len(text.lstrip("+-").lstrip("0")) <= 19:
                return int(text)
            self.problem(key, text, "an integer")
            return None
        if declaration.type == "boolean":
            if text in ("true", "false"):
                return text == "true"
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

    def integer(self, key: str) -> int | None:
        declaration = BY_NAME[key]
        number = self.value(key)
        if number is not None and not declaration.low <= number <= declaration.high:
            self.problem(key, number)
        return number

    def matching(self, key: str, pattern: re.Pattern) -> str | None:
        text = self.value(key)
        if text is None or not pattern.fullmatch(text):
            self.problem(key, text)
        return text
