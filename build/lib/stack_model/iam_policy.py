"""A small evaluator of IAM identity policies, following IAM's documented semantics.

- An explicit Deny beats any Allow; with no matching Allow the request is implicitly denied.
- `*` matches any run of characters and `?` any single one, in actions and in resources.
- Actions compare case-insensitively, resources case-sensitively.
- Conditions: StringEquals, StringNotEquals, StringLike, ArnEquals, ArnLike (and their
  IfExists forms); a condition key missing from the request context fails the condition.
  Any other operator raises, rather than being guessed at.

It answers "may this identity do X on Y" for the stack tests and for `manage_secrets doctor`.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any


class Decision(enum.Enum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitly denied"
    IMPLICIT_DENY = "implicitly denied"

    @property
    def allowed(self) -> bool:
        return self is Decision.ALLOWED


@cache
def _pattern(wildcard: str, case_sensitive: bool) -> re.Pattern:
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in wildcard
    )
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


def wildcard_match(wildcard: str, value: str, case_sensitive: bool = True) -> bool:
    return _pattern(wildcard, case_sensitive).fullmatch(value) is not None


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _condition_holds(operator: str, tests: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    base = operator.removesuffix("IfExists")
    matchers = {
        "StringEquals": lambda pattern, value: pattern == value,
        "StringNotEquals": lambda pattern, value: pattern != value,
        "StringLike": wildcard_match,
        "ArnEquals": lambda pattern, value: pattern == value,
        "ArnLike": wildcard_match,
    }
    if base not in matchers:
        raise ValueError(f"condition operator {operator} is not supported by this evaluator")
    for key, expected in tests.items():
        actual = context.get(key)
        if actual is None:
            if operator.endswith("IfExists"):
                continue
            return False
        matcher = matchers[base]
        if base == "StringNotEquals":
            if not all(matcher(pattern, actual) for pattern in _as_list(expected)):
                return False
        elif not any(matcher(pattern, actual) for pattern in _as_list(expected)):
            return False
    return True


def _statement_applies(
    statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, str]
) -> bool:
    if "Action" in statement:
        if not any(wildcard_match(p, action, False) for p in _as_list(statement["Action"])):
            return False
    elif any(wildcard_match(p, action, False) for p in _as_list(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(wildcard_match(p, resource) for p in _as_list(statement["Resource"])):
            return False
    elif any(wildcard_match(p, resource) for p in _as_list(statement["NotResource"])):
        return False
    return all(
        _condition_holds(operator, tests, context)
        for operator, tests in statement.get("Condition", {}).items()
    )


def _statements(documents: Iterable[str | Mapping]) -> Iterable[Mapping[str, Any]]:
    for document in documents:
        parsed = json.loads(document) if isinstance(document, str) else document
        yield from _as_list(parsed.get("Statement", []))


def evaluate(
    documents: Iterable[str | Mapping],
    action: str,
    resource: str,
    context: Mapping[str, str] | None = None,
) -> Decision:
    """The decision of the given identity policies (JSON strings or parsed) on one request."""
    allowed = False
    for statement in _statements(documents):
        if _statement_applies(statement, action, resource, context or {}):
            if statement["Effect"] == "Deny":
                return Decision.EXPLICIT_DENY
            allowed = True
    return Decision.ALLOWED if allowed else Decision.IMPLICIT_DENY
