"""YAML as gopkg.in/yaml.v3 reads it, which is what the Pulumi CLI parses project and stack files
with (pulumi/pulumi sdk/go/common/encoding/marshal.go, yamlMarshaler).

PyYAML follows YAML 1.1, where `no`, `on` or `yes` are booleans; yaml.v3 resolves plain scalars by
its own table (go-yaml/yaml v3 resolve.go, resolve): only true/false are booleans, `0o17` and `0x1F`
are integers, `2026-12-01` is a timestamp. A duplicated mapping key is an error there, not a
silent overwrite.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from datetime import UTC, date, datetime

import yaml

BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
NULLS = ("", "~", "null", "Null", "NULL")
SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# resolve.go: yamlStyleFloat
YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# resolve.go: allowedTimestampFormats (RFC 3339 with short fields, space separated, date only)
TIMESTAMP = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?"
)
INT64_RANGE = range(-(2**63), 2**63)
UINT64_RANGE = range(0, 2**64)


class GoYamlError(ValueError):
    """What yaml.v3 refuses, with its line (0 where yaml.v3 names none)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


# PyYAML words a few of libyaml's problems its own way; yaml.v3 is a port of libyaml
# (gopkg.in/yaml.v3 scannerc.go), so the CLI prints libyaml's words.
LIBYAML_WORDS = (
    (
        re.compile(r"mapping values are not allowed here"),
        "mapping values are not allowed in this context",
    ),
    (
        re.compile(r"found character .* that cannot start any token"),
        "found character that cannot start any token",
    ),
)  # fmt: skip


def _go_line(error: yaml.YAMLError) -> int:
    """yaml.v3 decode.go, parser.fail: the context mark's line, else the problem mark's (both
    0-based), one more for a scanner error; 0 when both are on the first line."""
    scanner = isinstance(error, yaml.scanner.ScannerError)
    for mark in (getattr(error, "context_mark", None), getattr(error, "problem_mark", None)):
        if mark is not None and mark.line != 0:
            return mark.line + (1 if scanner else 0)
    return 0


def go_parse_int(text: str, bits_range: range = INT64_RANGE) -> int | None:
    """Go's strconv.ParseInt(text, 0, 64): base from the prefix (0x, 0o, 0b, or 0 for octal)."""
    match = re.fullmatch(
        r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)", text
    )
    if not match:
        return None
    sign, digits = match.groups()
    if len(digits.lstrip("0xXoObB")) > 64:
        return None  # beyond 64 bits in any base (and beyond Python's int conversion limit)
    if len(digits) > 1 and digits[1] in "xXoObB":
        number = int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1].lower()])
    else:
        number = int(digits, 8 if len(digits) > 1 and digits[0] == "0" else 10)
    number = -number if sign == "-" else number
    return number if number in bits_range else None


def _timestamp(text: str) -> str | None:
    """yaml.v3 decodes a timestamp into time.Time; the CLI then stores it as Go's
    time.Time.String() (sdk/go/common/resource/config/object.go, unmarshalObject)."""
    match = TIMESTAMP.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        date(int(year), int(month), int(day))
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone not in (None, "Z"):
        return None  # other offsets print a zone name Go derives from the system; not needed here
    nanos = f".{fraction.rstrip('0')}" if fraction and fraction.strip("0") else ""
    return moment.strftime("%Y-%m-%d %H:%M:%S") + nanos + " +0000 UTC"


def resolve_plain(text: str) -> object:
    """resolve.go, resolve(""/untagged, text) for a plain scalar."""
    if text in BOOLEANS:
        return BOOLEANS[text]
    if text in NULLS:
        return None
    if text in SPECIAL_FLOATS:
        return SPECIAL_FLOATS[text]
    hint = text[:1]
    if hint == ".":
        return float(text) if YAML_STYLE_FLOAT.fullmatch(text) else text
    if hint and (hint.isdigit() or hint in "+-"):
        stamp = _timestamp(text)
        if stamp is not None:
            return stamp
        plain = text.replace("_", "")
        number = go_parse_int(plain)
        if number is None:
            number = go_parse_int(plain, UINT64_RANGE)
        if number is not None:
            return number
        if YAML_STYLE_FLOAT.fullmatch(plain):
            return float(plain)
        for prefix, base in (("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)):
            if plain.startswith(prefix):
                try:
                    return int(("-" if prefix[0] == "-" else "") + plain[len(prefix) :], base)
                except ValueError:
                    return text
    return text


class GoYamlLoader(yaml.SafeLoader):
    """SafeLoader with yaml.v3's scalar resolution and duplicate-key error."""

    def construct_scalar_v3(self, node: yaml.ScalarNode) -> object:
        if node.style is None and node.tag == "tag:yaml.org,2002:plain-v3":
            return resolve_plain(node.value)
        return self.construct_yaml_str(node) if node.tag.endswith(":str") else node.value

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                line = key_node.start_mark.line + 1
                raise GoYamlError(f"yaml: line {line}: invalid map key", line)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise GoYamlError(
                    f"yaml: unmarshal errors:\n  line {line}: mapping key "
                    f'"{key}" already defined at line {seen[key]}',
                    line,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


# Every plain scalar goes to resolve_plain; quoted ones stay strings.
GoYamlLoader.yaml_implicit_resolvers = {}
GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:plain-v3", re.compile(r".*", re.S), None)
GoYamlLoader.add_constructor("tag:yaml.org,2002:plain-v3", GoYamlLoader.construct_scalar_v3)


def load(text: str | bytes) -> object:
    """yaml.Unmarshal into `any`, after the CLI strips a UTF-8 byte-order mark
    (sdk/go/common/workspace/loaders.go, readFileStripUTF8BOM)."""
    if isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    # A copy: callers may change what they get, and the cached document must not change.
    return copy.deepcopy(_load_text(text))


# Every offline synth reads the same project file (pure-Python PyYAML: about 17 ms), and a test
# run synthesizes hundreds of times; a document's parse depends on its text alone.
@functools.lru_cache(maxsize=64)
def _load_text(text: str) -> object:
    try:
        return yaml.load(text, Loader=GoYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        line = _go_line(error)
        problem = str(getattr(error, "problem", None) or error)
        for pyyaml, libyaml in LIBYAML_WORDS:
            problem = pyyaml.sub(libyaml, problem)
        where = f"line {line}: " if line else ""
        raise GoYamlError(f"yaml: {where}{problem}", line) from None


MappingNode = yaml.MappingNode


def compose(text: bytes) -> yaml.Node | None:
    """The node tree (with line marks) of a document `load` already accepted."""
    return yaml.compose(text.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), Loader=GoYamlLoader)


def needs_quotes(text: str) -> bool:
    """yaml.v3's encoder quotes a string that would not read back as the same string."""
    return resolve_plain(text) != text
