"""An independent matcher for the subset of CloudWatch Logs JSON filter syntax the stack uses.

Written from the CloudWatch Logs documentation ("Using filter patterns to match terms in JSON
log events"), not from components/signals.py: `{ ... }` around comparisons
`$.a.b = "value"`, where `*` at the start and/or end of the value is a wildcard (`"*"` alone:
the field exists with any value), and `$.a.b NOT EXISTS` (no such field, or a null parent),
joined by `&&` or `||` and grouped by parentheses. Mixing `&&` and `||` without parentheses,
`!=`, numeric comparisons, IS NULL and regular expressions are refused rather than guessed, so
a pattern outside the subset fails the tests.
"""

from __future__ import annotations

import json
import re

TOKEN = re.compile(
    r'\s*(\{|\}|\(|\)|&&|\|\||!=|=|NOT EXISTS|"(?:[^"\\]|\\.)*"|\$(?:\.[A-Za-z0-9_]+)+)'
)


class UnsupportedPattern(ValueError):
    pass


def _tokens(pattern: str) -> list[str]:
    tokens, position = [], 0
    while position < len(pattern.rstrip()):
        match = TOKEN.match(pattern, position)
        if not match:
            raise UnsupportedPattern(f"cannot read {pattern[position : position + 20]!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


MISSING = object()


def _value_matches(wanted: str, actual) -> bool:
    if actual is None or actual is MISSING or isinstance(actual, (dict, list)):
        return False
    actual = str(actual)
    if wanted == "*":
        return True
    starts, ends = wanted.startswith("*"), wanted.endswith("*")
    core = wanted.strip("*")
    if "*" in core:
        raise UnsupportedPattern("wildcards only at the start or end of a value")
    if starts and ends:
        return core in actual
    if starts:
        return actual.endswith(core)
    if ends:
        return actual.startswith(core)
    return actual == wanted


class _Parser:
    def __init__(self, tokens: list[str], record: dict):
        self.tokens, self.position, self.record = tokens, 0, record

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.position]
        if expected is not None and token != expected:
            raise UnsupportedPattern(f"expected {expected!r}, found {token!r}")
        self.position += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> bool:
        results = [self.term()]
        operator = None
        while self.peek() in ("&&", "||"):
            token = self.take()
            if operator and token != operator:
                raise UnsupportedPattern("mixing && and || needs parentheses")
            operator = token
            results.append(self.term())
        return all(results) if operator != "||" else any(results)

    def term(self) -> bool:
        if self.peek() == "(":
            self.take("(")
            result = self.expression()
            self.take(")")
            return result
        selector = self.take()
        if not selector.startswith("$."):
            raise UnsupportedPattern(f"expected a $. selector, found {selector!r}")
        operator = self.take()
        value = self.record
        for part in selector[2:].split("."):
            value = value.get(part, MISSING) if isinstance(value, dict) else MISSING
        if operator == "NOT EXISTS":
            return value is MISSING
        if operator != "=":
            raise UnsupportedPattern(f"operator {operator!r} is outside the supported subset")
        literal = self.take()
        if not literal.startswith('"'):
            raise UnsupportedPattern("only quoted string values are supported")
        return _value_matches(json.loads(literal), value)


def matches(pattern: str, record: dict) -> bool:
    tokens = _tokens(pattern)
    parser = _Parser(tokens, record)
    parser.take("{")
    result = parser.expression()
    parser.take("}")
    if parser.peek() is not None:
        raise UnsupportedPattern("text after the closing brace")
    return result
