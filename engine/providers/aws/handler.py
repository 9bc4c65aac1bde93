"""One resource type of the aws stand-in: how it is created, read, updated and deleted in AWS
(the moto server), and which outputs AWS assigns. Subclasses register themselves by token."""

from __future__ import annotations

from typing import ClassVar

from engine.providers.aws.context import Context
from engine.providers.server import ProviderError

HANDLERS: dict[str, Handler] = {}


class Handler:
    token: ClassVar[str] = ""
    # Outputs AWS assigns: unknown in a preview, answered after a create.
    computed: ClassVar[tuple[str, ...]] = ("arn",)
    # False: nothing is made in AWS for it; the state is computed in AWS's shape (said so).
    emulated: ClassVar[bool] = True
    taggable: ClassVar[bool] = True
    # The Terraform schema's Default values: the bridge's Check fills them in when the program
    # leaves a property out, so a read value equal to the default shows no diff.
    defaults: ClassVar[dict] = {}
    # Optional and Computed in the Terraform schema: left out by the program, AWS's value stands
    # (no diff), as a plan of the real provider shows none.
    optional_computed: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.token:
            HANDLERS[cls.token] = cls()

    def create(self, ctx: Context, inputs: dict) -> tuple[str, dict]:
        """(id, computed outputs) for `inputs` (secrets revealed)."""
        raise NotImplementedError

    def read(self, ctx: Context, id_: str, state: dict) -> tuple[dict, dict] | None:
        """(inputs as AWS has them, computed outputs), or None when the resource is gone."""
        raise ProviderError(f"{self.token}: the aws stand-in cannot read (refresh or import) it")

    def update(self, ctx: Context, id_: str, olds: dict, news: dict) -> dict:
        """Computed outputs after changing what differs between `olds` and `news` (inputs)."""
        raise ProviderError(f"{self.token}: the aws stand-in cannot update it in place")

    def delete(self, ctx: Context, id_: str, state: dict) -> None:
        raise NotImplementedError


def handler_for(token: str) -> Handler:
    found = HANDLERS.get(token)
    if found is None:
        raise ProviderError(
            f"{token}: the aws stand-in does not emulate this type (engine/providers/aws)"
        )
    return found


def changed(olds: dict, news: dict, *names: str) -> bool:
    return any(olds.get(name) != news.get(name) for name in names)
