"""The aws stand-in: Check against the SDK's schema, Diff from the force-new table, and Create,
Read, Update and Delete through each type's handler on the moto server.

The state it answers is what the real provider records: the inputs (secrets kept secret), `id`,
the outputs AWS assigns, and `tagsAll`. ignoreChanges and replaceOnChanges are the engine's to
apply, as with the real provider.
"""

from __future__ import annotations

import json

from engine.providers.aws import checking, schema
from engine.providers.aws.context import Clients, Context
from engine.providers.aws.handler import handler_for
from engine.providers.aws.invokes import invoke
from engine.providers.server import Diff, ProviderError, StandIn, note
from engine.providers.values import UNKNOWN, has_unknown, is_secret, reveal, secret_like
from harness.force_new import FORCE_NEW


def _equivalent(old, new) -> bool:
    """Equal, or two JSON documents that mean the same (the providers suppress those diffs)."""
    if old == new:
        return True
    if isinstance(old, str) and isinstance(new, str) and old[:1] in "[{" and new[:1] in "[{":
        try:
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    return False


class AwsStandIn(StandIn):
    name = "aws"

    def __init__(self):
        from engine.layout import sdk_plugin

        self.version = sdk_plugin("pulumi_aws")[1]
        self.region = "us-east-1"
        self.clients: Clients | None = None
        from engine.providers.aws import services  # noqa: F401 - registers the handlers

    def configure(self, variables: dict) -> None:
        self.region = variables.get("region") or variables.get("aws:config:region") or self.region
        self.clients = Clients(self.region)

    def _context(self, inputs: dict, urn: str = "") -> Context:
        return Context(
            self.clients or Clients(self.region),
            inputs.get("region") or self.region,
            note=lambda message: note(urn, message),
        )

    def check(self, type_, urn, olds, news):
        handler = handler_for(type_)
        defaulted = {**handler.defaults, **{k: v for k, v in news.items() if v is not None}}
        return defaulted, checking.problems(schema.resource_inputs(type_), news)

    def diff(self, type_, urn, id_, olds, news, old_inputs):
        before = reveal(old_inputs or olds)
        after = reveal(news)
        changed = {}
        kept = handler_for(type_).optional_computed
        for name in sorted(set(before) | set(after)):
            if name.startswith("__") or _equivalent(before.get(name), after.get(name)):
                continue
            if after.get(name) is None and name in kept:
                continue
            if after.get(name) is None:
                changed[name] = "delete"
            elif before.get(name) is None:
                changed[name] = "add"
            else:
                changed[name] = "update"
        entry = FORCE_NEW.get(type_)
        if entry is None:
            raise ProviderError(f"{type_}: no entry in the force-new table (harness/force_new.py)")
        return Diff(changed=changed, replaces=[n for n in changed if n in entry.properties])

    def _outputs(self, type_: str, inputs: dict, id_: str, computed: dict) -> dict:
        handler = handler_for(type_)
        outputs = {**inputs, **computed, "id": id_}
        # pulumi-aws gives every resource with `tags` a computed `tagsAll` (tags plus the
        # provider's default tags, which the stack sets none of).
        if handler.taggable and "tags" in schema.resource_inputs(type_).properties:
            outputs["tagsAll"] = reveal(inputs.get("tags") or {})
        return outputs

    def create(self, type_, urn, inputs, preview):
        handler = handler_for(type_)
        if preview or has_unknown(inputs):
            unknown = {name: UNKNOWN for name in handler.computed}
            return "", {**inputs, **unknown}
        if not handler.emulated:
            note(urn, f"{type_} is not emulated by moto: its state is computed in AWS's shape")
        id_, computed = handler.create(self._context(inputs, urn), reveal(inputs))
        return id_, self._outputs(type_, inputs, id_, computed)

    def update(self, type_, urn, id_, olds, news, old_inputs, preview):
        handler = handler_for(type_)
        if preview or has_unknown(news):
            kept = {k: olds[k] for k in handler.computed if k in olds}
            return {**kept, **news, "id": id_}
        computed = handler.update(
            self._context(news), id_, reveal(old_inputs or olds), reveal(news)
        )
        kept = {k: olds[k] for k in handler.computed if k in olds}
        return self._outputs(type_, news, id_, {**kept, **computed})

    def read(self, type_, urn, id_, state, inputs):
        handler = handler_for(type_)
        found = handler.read(self._context(inputs or state, urn), id_, reveal(state))
        if found is None:
            return None
        read_inputs, computed = found
        # The bridge fills what AWS does not say with the schema's defaults, as a plan would
        # (pulumi-terraform-bridge, ExtractInputsFromOutputs).
        read_inputs = {**handler.defaults, **read_inputs}
        # What the state held keeps its form where AWS holds the same (a JSON document written
        # with other spacing, say) and its secrecy.
        previous = inputs or {}
        for name, value in list(read_inputs.items()):
            if name in previous and _equivalent(reveal(previous[name]), value):
                read_inputs[name] = previous[name]
            elif is_secret(state.get(name)):
                read_inputs[name] = secret_like(state[name], value)
        return id_, self._outputs(type_, read_inputs, id_, computed), read_inputs

    def delete(self, type_, urn, id_, state):
        handler_for(type_).delete(self._context(state, urn), id_, reveal(state))

    def invoke(self, token, args):
        return invoke(self._context(args), token, reveal(args))
