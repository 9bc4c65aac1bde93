"""Checks of the operations CLI's arguments, before anything talks to AWS or Pulumi."""

from __future__ import annotations

import argparse
import re

from stack_model.aws_limits import region_shaped

# pulumi/pulumi sdk/go/common/tokens/stack_name.go, ParseStackName.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]*")


def stack_name(text: str) -> str:
    """A stack name as the Pulumi CLI accepts it; an empty one (an unset shell variable) is an
    error here, never a silent fall back to production."""
    if text == "":
        raise argparse.ArgumentTypeError("a stack name may not be empty")
    if len(text) > 100:
        raise argparse.ArgumentTypeError("a stack name cannot exceed 100 characters")
    match = STACK_NAME.match(text)
    if match.end() != len(text):
        raise argparse.ArgumentTypeError(
            "a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
            f"invalid character {text[match.end()]!r} at position {match.end()}"
        )
    return text


def region(text: str) -> str:
    if not region_shaped(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS region name such as us-east-1")
    return text
