"""Logical names and options of a component's children.

A child's logical name is `<component name>-<role>`: it does not change when `appName` or the
stack does, so a rename is a replacement of the physically named resources (what it really
is) rather than a delete of everything plus a create; and two instances of a component can
coexist under different names. Each child carries an alias for the logical name it had before
(`<appName>-<stack>-<old role>`), so a stack created with those names keeps its resources.
"""

from __future__ import annotations

import pulumi


class Children:
    def __init__(self, component: pulumi.Resource, component_name: str, name_prefix: str):
        self._component = component
        self._component_name = component_name
        self._name_prefix = name_prefix

    def name(self, role: str) -> str:
        return f"{self._component_name}-{role}"

    def options(self, previous_role: str | None, **options) -> pulumi.ResourceOptions:
        """Parented options with the alias of the logical name `<prefix>-<previous_role>`; None
        for a resource that came after the rename, so never had another name."""
        aliases = (
            [pulumi.Alias(name=f"{self._name_prefix}-{previous_role}")] if previous_role else []
        )
        return pulumi.ResourceOptions(parent=self._component, aliases=aliases, **options)
