"""Logical names and options of a component's children.

A child's logical name is `<component name>-<part>`: it does not change when `appName` or the
stack does, so a rename is a replacement of the physically named resources (what it really
is) rather than a delete of everything plus a create; and two instances of a component can
coexist under different names. A child that had a name before carries an alias to it, looked up
in the one table of previous names (stack_model/logical_names.py, PREVIOUS_NAMES), so a stack
created with those names keeps its resources.
"""

from __future__ import annotations

import pulumi

from stack_model.logical_names import previous_name


class Children:
    def __init__(self, component: pulumi.Resource, component_name: str, name_prefix: str):
        self._component = component
        self._component_name = component_name
        self._name_prefix = name_prefix

    def name(self, part: str) -> str:
        return f"{self._component_name}-{part}"

    def options(
        self, part: str, *, formerly: str | None = None, **options
    ) -> pulumi.ResourceOptions:
        """Parented options for the child `part`, with an alias to each name it had: its entry
        in the table of previous names, and, when it took over another part of this component
        (`formerly`: the JWT key set's slots, which move with the generation), that part's name
        and its own previous name."""
        names = []
        for each in (part, formerly) if formerly else (part,):
            previous = previous_name(self._component_name, each)
            if previous:
                names.append(f"{self._name_prefix}-{previous}")
            if each != part:
                names.append(self.name(each))
        aliases = [pulumi.Alias(name=name) for name in names]
        return pulumi.ResourceOptions(parent=self._component, aliases=aliases, **options)
