"""One config key's declaration (settings/declarations.py holds them all)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigKey:
    name: str
    type: str  # string, integer, boolean or array (of strings)
    description: str
    accepted: str  # what a valid value looks like, for errors and the docs
    default: object = None  # None: required, the stack file must set it
    secret: bool = False
    low: int | None = None
    high: int | None = None
    # The name this key had in the dotted layout, for the migration error.
    legacy_name: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


def declare(name: str, type_: str, description: str, accepted: str, **rest) -> ConfigKey:
    return ConfigKey(name, type_, description, accepted, **rest)
