"""The synth's text output, shaped like `pulumi preview --diff`: the resource tree in declaration
order under the stack root, `+` markers, inputs aligned and readable, secrets as [secret],
outputs, diagnostics and the closing count.

JSON documents held in string inputs (policies, container definitions, dashboard bodies) are
pretty-printed; long prose is wrapped; a component's common tags are shown once on the
component. No line exceeds WIDTH characters unless it holds one unbreakable value (an ARN).
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from typing import Any

WIDTH = 120
INDENT = "    "
SECRET = "[secret]"


def _json_document(text: str) -> Any | None:
    if text[:1] not in "[{":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _scalar(value: Any) -> str:
    return SECRET if value == SECRET else json.dumps(value, ensure_ascii=False)


def _value_lines(value: Any, pad: str, width: int) -> list[str]:
    """The lines of one value; the first continues the `key: ` it follows."""
    if isinstance(value, str) and (document := _json_document(value)) is not None:
        text = json.dumps(document, indent=4, ensure_ascii=False)
        first, *rest = text.splitlines()
        return [first, *(pad + line for line in rest)]
    if isinstance(value, dict):
        if not value:
            return ["{}"]
        return ["{", *_mapping_lines(value, pad + INDENT, width), pad + "}"]
    if isinstance(value, list):
        if not value:
            return ["[]"]
        lines = ["["]
        for index, item in enumerate(value):
            item_lines = _value_lines(item, pad + INDENT, width)
            lines.append(f"{pad}{INDENT}[{index}]: {item_lines[0]}")
            lines += item_lines[1:]
        return [*lines, pad + "]"]
    shown = _scalar(value)
    room = width - len(pad) - 2
    if isinstance(value, str) and len(shown) > room and " " in value:
        wrapped = textwrap.wrap(shown, max(room, 40), break_long_words=False)
        return [wrapped[0], *(pad + INDENT + line for line in wrapped[1:])]
    return [shown]


def _mapping_lines(mapping: dict, pad: str, width: int) -> list[str]:
    key_width = max(len(str(key)) for key in mapping)
    lines = []
    for key in mapping:
        head = f"{pad}{str(key).ljust(key_width)}: "
        value_lines = _value_lines(mapping[key], pad, width - len(head) + len(pad))
        lines.append(head + value_lines[0])
        lines += value_lines[1:]
    return lines


def _common_tags(children: list[dict]) -> dict | None:
    tagged = [
        json.dumps(c["inputs"]["tags"], sort_keys=True) for c in children if "tags" in c["inputs"]
    ]
    if len(tagged) < 2:
        return None
    most, count = Counter(tagged).most_common(1)[0]
    return json.loads(most) if count > 1 else None


def format_preview(result) -> str:
    """`result` is a tools.synth.SynthResult (resources already parents-first, in declaration
    order)."""
    root = f"{result.project}-{result.stack}"
    lines = [
        f"Previewing update ({result.stack}) of {result.project}: offline synth, Pulumi mocks, "
        "no AWS, no state",
        "",
        "+ pulumi:pulumi:Stack: (create)",
        f"{INDENT}[name={root}]",
    ]
    children: dict[str | None, list[dict]] = {}
    for resource in result.resources:
        children.setdefault(resource["parent"], []).append(resource)
    depth: dict[str | None, int] = {None: 1}
    shared: dict[str | None, dict | None] = {None: None}
    for resource in result.resources:
        level = depth[resource["parent"]]
        depth[resource["name"]] = level + 1
        pad = INDENT * level
        flags = "".join(
            f" [{flag}]" for flag in ("protect", "retainOnDelete") if resource["options"][flag]
        )
        lines.append(f"{pad}+ {resource['type']}: (create)")
        lines.append(f"{pad}{INDENT}[name={resource['name']}]{flags}")
        inputs = dict(resource["inputs"])
        if inputs.get("tags") is not None and inputs["tags"] == shared.get(resource["parent"]):
            del inputs["tags"]
        options = {
            key: value
            for key, value in resource["options"].items()
            if key in ("ignoreChanges", "dependsOn", "replaceOnChanges") and value
        }
        if options:
            lines += _mapping_lines({f"({k})": v for k, v in options.items()}, pad + INDENT, WIDTH)
        if inputs:
            lines += _mapping_lines(inputs, pad + INDENT, WIDTH)
        common = _common_tags(children.get(resource["name"], []))
        shared[resource["name"]] = common
        if common is not None:
            lines.append(f"{pad}{INDENT}tags of every resource below unless shown: {{")
            lines += _mapping_lines(common, pad + INDENT * 2, WIDTH)
            lines.append(f"{pad}{INDENT}}}")
    lines += ["", "Outputs:"]
    if result.outputs:
        lines += _mapping_lines(result.outputs, INDENT, WIDTH)
    if result.warnings:
        lines += ["", "Diagnostics:", f"  pulumi:pulumi:Stack ({root}):"]
        for warning in result.warnings:
            wrapped = textwrap.wrap(warning, WIDTH - 13, break_long_words=False)
            lines.append(f"    warning: {wrapped[0]}")
            lines += [f"             {line}" for line in wrapped[1:]]
    lines += ["", "Resources:", f"{INDENT}+ {len(result.resources) + 1} to create"]
    return "\n".join(lines)
