"""URNs as the engine makes them (pulumi/pulumi sdk/go/common/resource/urn/urn.go, New).

The type part is the parent's qualified type (its whole chain), `$`, and the resource's own
type; a resource whose parent is the stack root has no parent part. The Python SDK's mock
monitor (pulumi/runtime/mocks.py, MockMonitor.make_urn) does neither: it keeps only the
parent's last type and keeps the root stack type, so its URNs never match a real state's.
"""

from __future__ import annotations

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
PREFIX = "urn:pulumi:"
NAME_DELIMITER = "::"
TYPE_DELIMITER = "$"


def qualified_type(urn: str) -> str:
    return urn.split(NAME_DELIMITER)[2]


def new(stack: str, project: str, parent_type: str, base_type: str, name: str) -> str:
    typ = base_type
    if parent_type and parent_type != ROOT_STACK_TYPE:
        typ = parent_type + TYPE_DELIMITER + typ
    return PREFIX + NAME_DELIMITER.join([stack, project, typ, name])


def child(stack: str, project: str, parent_urn: str | None, base_type: str, name: str) -> str:
    return new(stack, project, qualified_type(parent_urn) if parent_urn else "", base_type, name)
