"""A change plan between two synth documents: what `pulumi preview --diff` would classify.

The engine's rules, followed here (pulumi/pulumi pkg/resource/deploy/step_generator.go,
generateSteps and diff; pkg/resource/deploy/step.go, RawPrefix for the markers):
- resources are matched by URN, or by one of the new resource's aliases;
- a URN only in the new render is a create, only in the old one a delete (deletes come last);
- a matched resource whose inputs differ is an update, or a replace when a changed property is
  one the provider forces a replacement for (harness/force_new.py) or one listed in the
  resource's replaceOnChanges; properties in ignoreChanges are not compared;
- during a preview the outputs of a resource being created or replaced are unknown, so every
  input built from them (the state's propertyDependencies) changes too, to `output<...>`;
- the engine refuses to delete a protected resource, replacement included.

Secrets never appear: both renders mask them, as "[secret]" or as a keyed digest
(harness/mock_cloud.render) that only says whether the value changed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness.force_new import FORCE_NEW

SECRET = "[secret]"
WIDTH = 120  # as harness/preview.py
# pkg/resource/deploy/step.go, RawPrefix.
MARKERS = {"same": "  ", "create": "+ ", "update": "~ ", "replace": "+-", "delete": "- "}


class Unknown:
    """An input whose value is only known once a resource it is built from exists."""

    def __repr__(self) -> str:
        return "output<string>"


UNKNOWN = Unknown()


@dataclass
class Change:
    path: str
    old: Any
    new: Any


@dataclass
class Step:
    op: str
    resource: dict
    changes: list[Change] = field(default_factory=list)
    replaced_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_properties(self) -> list[str]:
        return sorted({_top(change.path) for change in self.changes})


@dataclass
class Plan:
    stack: str
    steps: list[Step]
    outputs: list[Change]

    def counts(self) -> Counter:
        return Counter(step.op for step in self.steps)

    def step(self, type_token: str, name: str) -> Step:
        matches = [
            s for s in self.steps if s.resource["type"] == type_token and s.resource["name"] == name
        ]
        if len(matches) != 1:
            raise KeyError(f"{type_token} {name}: {len(matches)} steps")
        return matches[0]


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def urn_of(resource: dict, by_name: dict[str, dict], stack: str, project: str) -> str:
    """The resource's URN; renders from before URNs were recorded get the engine's
    (sdk/go/common/resource/urn.go, NewURN: parent types joined by `$`)."""
    if resource.get("urn"):
        return resource["urn"]
    types = [resource["type"]]
    parent = by_name.get(resource.get("parent") or "")
    while parent is not None:
        types.insert(0, parent["type"])
        parent = by_name.get(parent.get("parent") or "")
    return f"urn:pulumi:{stack}::{project}::{'$'.join(types)}::{resource['name']}"


def _by_urn(document: dict) -> dict[str, dict]:
    by_name = {r["name"]: r for r in document["resources"]}
    return {
        urn_of(r, by_name, document["stack"], document["project"]): r for r in document["resources"]
    }


def _is_secret(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SECRET[:-1]) and value.endswith("]")


def _json_document(value: Any) -> Any | None:
    if not isinstance(value, str) or value[:1] not in "[{":
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def leaf_changes(path: str, old: Any, new: Any) -> list[Change]:
    """The smallest paths at which two values differ; JSON documents in strings are opened.
    A secret without a digest ("[secret]", from a saved render) cannot be compared: it counts as
    unchanged here, and as changed when a resource it is built from is created or replaced."""
    if old == new or (_is_secret(old) and _is_secret(new) and SECRET in (old, new)):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(set(old) | set(new)):
            changes += leaf_changes(f"{path}.{key}", old.get(key), new.get(key))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        changes = []
        for index, (old_item, new_item) in enumerate(zip(old, new, strict=True)):
            changes += leaf_changes(f"{path}[{index}]", old_item, new_item)
        return changes
    old_document, new_document = _json_document(old), _json_document(new)
    if old_document is not None and new_document is not None:
        return leaf_changes(path, old_document, new_document)
    return [Change(path, old, new)]


def _ignored(name: str, patterns: list[str]) -> bool:
    return any(_top(pattern) in (name, "*") for pattern in patterns)


# What the mocks assign at random: KMS key ids (and the ARNs made of them), the six characters
# Secrets Manager appends to a secret's ARN.
ASSIGNED_TOKEN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<=:secret:)[\w/+=.@-]+-\w{6}$"
)


@dataclass
class _Renamed:
    """What AWS assigned to resources matched through an alias. The engine keeps a renamed
    resource's id; the mocks seed it by URN, so the two renders assign it different ones. An
    input that differs only by those is unchanged to the engine."""

    pairs: list[tuple[str | None, str]] = field(default_factory=list)

    def explains(self, old: Any, new: Any) -> bool:
        if not (isinstance(old, str) and isinstance(new, str) and self.pairs):
            return False
        for before, after in self.pairs:
            if after not in new:
                continue
            if before is not None and old.replace(before, after) == new:
                return True
            # A base rendered without its assignments (an older harness): the same shape with
            # other random parts is the same resource.
            if before is None and ASSIGNED_TOKEN.sub("#", old) == ASSIGNED_TOKEN.sub("#", new):
                return True
        return False


def _renamed(old: dict, new: dict) -> list[tuple[str | None, str]]:
    before = old.get("assigned")
    return [
        (before.get(key) if before is not None else None, value)
        for key, value in (new.get("assigned") or {}).items()
        if isinstance(value, str)
        and ASSIGNED_TOKEN.search(value)
        and (before is None or isinstance(before.get(key), str))
    ]


def _diff_inputs(
    old: dict, new: dict, unknown_inputs: set[str], ignore: list[str], renamed: _Renamed
):
    changes = []
    for name in sorted(set(old["inputs"]) | set(new["inputs"])):
        if _ignored(name, ignore):
            continue
        before, after = old["inputs"].get(name), new["inputs"].get(name)
        if name in unknown_inputs:
            changes.append(Change(name, before, UNKNOWN))
        else:
            changes += [
                change
                for change in leaf_changes(name, before, after)
                if not renamed.explains(change.old, change.new)
            ]
    return changes


def _replacement_reasons(resource: dict, changed: list[str]) -> tuple[list[str], list[str]]:
    options = resource.get("options", {})
    forced = {_top(p) for p in options.get("replaceOnChanges", [])}
    entry = FORCE_NEW.get(resource["type"])
    if entry is None:
        note = f"no force-new table for {resource['type']}: an update, maybe a replace"
        return [p for p in changed if p in forced or "*" in forced], [note]
    return [p for p in changed if p in entry.properties or p in forced or "*" in forced], []


def _previous_urn(urn: str, resource: dict, old_resources: dict) -> str | None:
    aliases = resource.get("options", {}).get("aliases", [])
    return next((u for u in [urn, *aliases] if u in old_resources), None)


def _step(resource: dict, previous: dict, unknown_urns: set[str], renamed: _Renamed) -> Step:
    options = resource.get("options", {})
    unknown_inputs = {
        name
        for name, urns in resource.get("dependencies", {}).items()
        if unknown_urns.intersection(urns)
    }
    changes = _diff_inputs(
        previous, resource, unknown_inputs, options.get("ignoreChanges", []), renamed
    )
    step = Step("same", resource, changes)
    if changes:
        reasons, step.notes = _replacement_reasons(resource, step.changed_properties)
        step.op = "replace" if reasons else "update"
        step.replaced_by = reasons
    if step.op == "replace" and (
        previous.get("protect") or previous.get("options", {}).get("protect")
    ):
        step.notes.append(
            "protected: `pulumi up` refuses to delete the old one; unprotect it first"
        )
    return step


def plan(old: dict, new: dict) -> Plan:
    old_resources = _by_urn(old)
    new_resources = _by_urn(new)
    previous_urns = {
        urn: _previous_urn(urn, resource, old_resources) for urn, resource in new_resources.items()
    }
    renamed = _Renamed()
    for urn, previous_urn in previous_urns.items():
        if previous_urn not in (None, urn):
            renamed.pairs += _renamed(old_resources[previous_urn], new_resources[urn])
    # A resource being created or replaced has unknown outputs during a preview, whatever the
    # order resources are declared in: the engine resolves them along dependencies. Replacements
    # are found until none is new, since each can make more inputs unknown.
    unknown_urns = {urn for urn, previous_urn in previous_urns.items() if previous_urn is None}
    while True:
        steps = [
            Step("create", resource)
            if previous_urns[urn] is None
            else _step(resource, old_resources[previous_urns[urn]], unknown_urns, renamed)
            for urn, resource in new_resources.items()
        ]
        replaced = {step.resource["urn"] for step in steps if step.op == "replace"}
        if replaced <= unknown_urns:
            break
        unknown_urns |= replaced
    matched = set(previous_urns.values())
    for urn, resource in reversed(list(old_resources.items())):
        if urn not in matched:
            step = Step("delete", resource)
            if resource.get("protect") or resource.get("options", {}).get("protect"):
                step.notes.append("protected: `pulumi up` refuses to delete it")
            steps.append(step)
    outputs = leaf_changes("", old.get("outputs", {}), new.get("outputs", {}))
    for change in outputs:
        change.path = change.path.lstrip(".")
    return Plan(new["stack"], steps, outputs)


def shown(value: Any) -> str:
    if value is UNKNOWN:
        return "output<string>"
    if value is None:
        return "(none)"
    if _is_secret(value):
        return SECRET
    return json.dumps(value, ensure_ascii=False)


def _change_lines(change: Change, pad: str) -> list[str]:
    if change.old is None:
        return [f"{pad}+ {change.path}: {shown(change.new)}"]
    if change.new is None:
        return [f"{pad}- {change.path}: {shown(change.old)}"]
    old = shown(change.old)
    if change.new is UNKNOWN and len(old) > WIDTH // 2:
        # The old value says nothing about the unknown new one; its size is enough.
        old = f"({len(old)} characters)"
    line = f"{pad}~ {change.path}: {old} => {shown(change.new)}"
    if len(line) <= WIDTH:
        return [line]
    # Two long values (ARNs, say) read better one above the other.
    return [
        f"{pad}~ {change.path}:",
        f"{pad}      {old}",
        f"{pad}   => {shown(change.new)}",
    ]


def format_plan(result: Plan, old_label: str, new_label: str) -> str:
    """Text in the shape of `pulumi preview --diff`; unchanged resources are counted only."""
    lines = [
        f"Change plan ({result.stack}): {old_label} => {new_label}",
        "offline: Pulumi mocks, no AWS, no state; replacements from the providers' "
        "force-new properties",
        "",
    ]
    for step in result.steps:
        if step.op == "same":
            continue
        resource = step.resource
        lines.append(f"{MARKERS[step.op]}{resource['type']}: ({step.op})")
        lines.append(f"        [name={resource['name']}]")
        if step.changed_properties:
            diff = " ".join(f"~{name}" for name in step.changed_properties)
            lines.append(f"        [diff: {diff}]")
        if step.replaced_by:
            lines.append(f"        replaced because {', '.join(step.replaced_by)} changed")
        for note in step.notes:
            lines.append(f"        note: {note}")
        for change in step.changes:
            lines += _change_lines(change, "      ")
    if result.outputs:
        lines += ["", "Outputs:"]
        for change in result.outputs:
            lines += _change_lines(change, "  ")
    counts = result.counts()
    lines += ["", "Resources:"]
    for op, label in (
        ("create", "to create"),
        ("update", "to update"),
        ("replace", "to replace"),
        ("delete", "to delete"),
    ):
        if counts[op]:
            lines.append(f"    {MARKERS[op]}{counts[op]} {label}")
    changed = sum(counts[op] for op in ("create", "update", "replace", "delete"))
    lines.append(f"    {changed} changes. {counts['same']} unchanged")
    return "\n".join(lines)


def plan_document(result: Plan) -> dict:
    """The plan as JSON for CI: values shown as in the text (secrets masked)."""

    def change(item: Change) -> dict:
        return {"path": item.path, "old": shown(item.old), "new": shown(item.new)}

    return {
        "stack": result.stack,
        "steps": [
            {
                "op": step.op,
                "urn": step.resource.get("urn"),
                "type": step.resource["type"],
                "name": step.resource["name"],
                "replacedBy": step.replaced_by,
                "notes": step.notes,
                "changes": [change(item) for item in step.changes],
            }
            for step in result.steps
            if step.op != "same"
        ],
        "outputs": [change(item) for item in result.outputs],
        "counts": dict(result.counts()),
    }
