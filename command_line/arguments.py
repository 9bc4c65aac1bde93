"""Argument errors, told without what was typed."""

from __future__ import annotations


def without_arguments(message: str) -> str:
    """argparse repeats unrecognized arguments in its error, and one may be a secret value
    (`--config jwtSecretKey <value>`): keep the message, drop what was typed."""
    if message.startswith("unrecognized arguments:"):
        return "unrecognized arguments (not repeated here: one may be a secret value)"
    return message
