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


def _principal_match(principal: Any, principal_arn: str, account: str) -> str | None:
    """How a resource policy statement's `Principal` names the caller: "direct" ("*" or its own
    ARN), "account" (the account, which only delegates to the account's IAM policies: it grants
    nothing by itself, but a Deny on it applies), or None."""
    if principal == "*":
        return "direct"
    named = _as_list(principal.get("AWS", [])) if isinstance(principal, Mapping) else []
    if any(name in ("*", principal_arn) for name in named):
        return "direct"
    if any(name in (account, f"arn:aws:iam::{account}:root") for name in named):
        return "account"
    return None


def evaluate_with_resource_policy(
    identity_documents: Iterable[str | Mapping],
    resource_document: str | Mapping | None,
    principal_arn: str,
    action: str,
    resource: str,
    context: Mapping[str, str] | None = None,
) -> Decision:
    """One principal's request on a resource with a policy of its own, within one account (IAM
    policy evaluation logic): an explicit Deny in either policy wins; otherwise an Allow in
    either suffices. `aws:PrincipalArn` is put into the context, as IAM does."""
    account = principal_arn.split(":")[4]
    full = {"aws:PrincipalArn": principal_arn, **(context or {})}
    identity = evaluate(identity_documents, action, resource, full)
    allowed = identity.allowed
    for statement in _statements([resource_document] if resource_document else []):
        match = _principal_match(statement.get("Principal"), principal_arn, account)
        if match is None or not _statement_applies(statement, action, resource, full):
            continue
        if statement["Effect"] == "Deny":
            return Decision.EXPLICIT_DENY
        allowed = allowed or match == "direct"
    if identity is Decision.EXPLICIT_DENY:
        return identity
    return Decision.ALLOWED if allowed else Decision.IMPLICIT_DENY


# Actions that stand for "reads or changes a secret or its key": a statement whose actions match
# any of them touches the secrets.
SENSITIVE_ACTIONS = (
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutResourcePolicy",
    "kms:Decrypt",
    "kms:GenerateDataKey",
)


def grants_beyond(documents: Iterable[str | Mapping], exact: set[str]) -> list[str]:
    """Each Allow of Secrets Manager or KMS actions on something other than the `exact` ARNs
    (a wildcard, a prefix, another secret or key, NotAction or NotResource), described."""
    found = []
    for index, statement in enumerate(_statements(documents)):
        if statement.get("Effect") != "Allow":
            continue
        name = statement.get("Sid") or f"statement {index + 1}"
        if "NotAction" in statement:
            found.append(f"{name} allows every action but {statement['NotAction']}")
            continue
        actions = [
            a
            for a in _as_list(statement.get("Action", []))
            if any(wildcard_match(a, sensitive, False) for sensitive in SENSITIVE_ACTIONS)
        ]
        if not actions:
            continue
        if "NotResource" in statement:
            found.append(f"{name} allows {', '.join(actions)} on every resource but some")
            continue
        for resource in _as_list(statement.get("Resource", [])):
            if resource not in exact:
                found.append(f"{name} allows {', '.join(actions)} on {resource}")
    return found
