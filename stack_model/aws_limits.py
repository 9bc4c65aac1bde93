"""What AWS accepts for the names and values this stack derives from its config.

Facts from AWS's own service models and documentation, each with its source; the tests check
them against botocore's models (tag lengths, characters and counts; region partitions) and
against PostgreSQL's own keyword list (pglast). Free of Pulumi, so the settings, the operations
CLI and the tests share one copy.
"""

from __future__ import annotations

import ipaddress
import json
import re
import unicodedata
from functools import cache
from importlib.util import find_spec
from pathlib import Path

# Tags. Every tagged service's model allows keys of 1-128 and values of 0-256 characters; IAM,
# CloudWatch Logs and ECS give their pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]; ECS, IAM and Logs take
# at most 50 tags; CloudTrail's TagValue has min 1. Keys starting with "aws:" are AWS's own
# (Tagging AWS resources, "Tag naming limits and requirements").
TAG_LIMIT = 50
TAG_KEY_LENGTH = range(1, 129)
TAG_VALUE_LENGTH = range(0, 257)
TRAIL_TAG_VALUE_MIN = 1
TAG_SYMBOLS = "_.:/=+-@"
RESERVED_TAG_PREFIX = "aws:"


def tag_text_ok(text: str) -> bool:
    """[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*: letters, separators (spaces), numbers and those symbols."""
    return all(unicodedata.category(c)[0] in "LZN" or c in TAG_SYMBOLS for c in text)


# RDS for PostgreSQL refuses a database name or master user name that is a word reserved by the
# engine (CreateDBInstance, DBName and MasterUsername). PostgreSQL's reserved key words
# (src/include/parser/kwlist.h, RESERVED_KEYWORD), as pglast extracts them.
POSTGRES_RESERVED_WORDS = frozenset(
    """all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user
    some symmetric system_user table then to trailing true union unique user using variadic when
    where window with""".split()
)

# General purpose bucket naming rules (Amazon S3 User Guide, "Bucket naming rules").
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(name: str) -> str | None:
    """Which documented S3 rule a general purpose bucket name breaks, if any."""
    if not BUCKET_NAME.fullmatch(name):
        return "3-63 lowercase letters, digits, dots or hyphens, starting and ending alphanumeric"
    if ".." in name:
        return "no two adjacent periods"
    try:
        ipaddress.IPv4Address(name)
        return "not formatted as an IP address"
    except ValueError:
        pass
    for prefix in BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"not starting with {prefix}"
    for suffix in BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"not ending with {suffix}"
    return None


def botocore_data() -> Path:
    """botocore's data directory (partitions, service models), read as files: the program needs
    no botocore import for them."""
    spec = find_spec("botocore")
    if spec is None or spec.origin is None:
        raise RuntimeError("botocore is not installed: `pip install -r requirements.txt`")
    return Path(spec.origin).parent / "data"


@cache
def _partitions() -> list[dict]:
    return json.loads((botocore_data() / "partitions.json").read_text())["partitions"]


def region_shaped(name: str) -> bool:
    """Whether `name` has the shape of a region of one of botocore's partitions."""
    return any(re.fullmatch(p["regionRegex"].strip("^$"), name) for p in _partitions())


def region_problem(name: str) -> str | None:
    """None when botocore's partition data knows `name` as a region; else what is wrong."""
    if not region_shaped(name):
        return "an AWS region name such as us-east-1"
    if not any(name in p["regions"] for p in _partitions()):
        return "a region botocore's partition data knows (is botocore up to date?)"
    return None
