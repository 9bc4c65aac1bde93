"""The AWS facts the settings enforce (components/aws_limits.py) agree with AWS's own service
models as botocore ships them, PostgreSQL's keyword list as pglast extracts it, and the examples
of S3's documentation."""

from __future__ import annotations

import botocore.session
import pglast.keywords
import pytest
import regex

from stack_model import aws_limits

SESSION = botocore.session.get_session()
# Every service whose resources this stack tags: (key shape, value shape, list shape or None).
TAGGED = {
    "secretsmanager": ("TagKeyType", "TagValueType", None),
    "kms": ("TagKeyType", "TagValueType", None),
    "iam": ("tagKeyType", "tagValueType", "tagListType"),
    "logs": ("TagKey", "TagValue", None),
    "sns": ("TagKey", "TagValue", None),
    "cloudwatch": ("TagKey", "TagValue", None),
    "ecs": ("TagKey", "TagValue", "Tags"),
    "events": ("TagKey", "TagValue", None),
    "cloudtrail": ("TagKey", "TagValue", "TagsList"),
}
SAMPLE = [chr(c) for c in range(0, 128)] + list("éß中٣\u00a0\u2028\u2029\u200b\U0001f511\ufeff")


def _shape(service: str, name: str):
    return SESSION.get_service_model(service).shape_for(name)


@pytest.mark.parametrize("service", sorted(TAGGED))
def test_tag_lengths_fit_every_tagged_service(service):
    key_shape, value_shape = (_shape(service, name) for name in TAGGED[service][:2])
    assert (key_shape.metadata["min"], key_shape.metadata["max"]) == (
        aws_limits.TAG_KEY_LENGTH.start,
        aws_limits.TAG_KEY_LENGTH.stop - 1,
    )
    assert value_shape.metadata["max"] == aws_limits.TAG_VALUE_LENGTH.stop - 1
    minimum = value_shape.metadata.get("min", 0)
    expected = aws_limits.TRAIL_TAG_VALUE_MIN if service == "cloudtrail" else 0
    assert minimum == expected


def test_the_tag_count_is_the_smallest_any_tagged_service_allows():
    limits = [
        _shape(service, shapes[2]).metadata["max"]
        for service, shapes in TAGGED.items()
        if shapes[2]
    ]
    assert aws_limits.TAG_LIMIT == min(limits)


@pytest.mark.parametrize("service", sorted(s for s in TAGGED if s in ("iam", "logs", "ecs")))
def test_tag_characters_match_the_models_patterns(service):
    for name in TAGGED[service][:2]:
        pattern = _shape(service, name).metadata["pattern"]
        # One character of the model's class: strip anchors, group and quantifier.
        char_class = regex.search(r"\[[^\]]*\]", pattern).group(0)
        for char in SAMPLE:
            assert aws_limits.tag_text_ok(char) == bool(regex.fullmatch(char_class, char)), (
                service,
                name,
                repr(char),
            )


def test_postgres_reserved_words_are_postgresqls_own():
    assert aws_limits.POSTGRES_RESERVED_WORDS == frozenset(pglast.keywords.RESERVED_KEYWORDS)


def test_every_region_botocore_knows_is_accepted_and_others_are_not():
    partitions = SESSION.get_data("partitions")["partitions"]
    for partition in partitions:
        for name in partition["regions"]:
            if regex.fullmatch(partition["regionRegex"], name):
                assert aws_limits.region_problem(name) is None, name
    for name in ("mars-1", "us-east-1\n", "US-EAST-1", "us east 1", "", "us-moon-9"):
        assert aws_limits.region_problem(name) is not None, name
    assert not aws_limits.region_shaped("us east 1")


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        # "Example general purpose bucket names" of the S3 User Guide.
        ("docexamplebucket1", True),
        ("log-delivery-march-2020", True),
        ("my-hosted-content", True),
        ("doc_example_bucket", False),
        ("DocExampleBucket", False),
        ("doc-example-bucket-", False),
        # The other documented rules, one each.
        ("ab", False),
        ("a" * 64, False),
        ("my..bucket", False),
        ("192.168.5.4", False),
        ("xn--bucket", False),
        ("sthree-bucket", False),
        ("amzn-s3-demo-bucket", False),
        ("bucket-s3alias", False),
        ("bucket--ol-s3", False),
        ("bucket.mrap", False),
        ("bucket--x-s3", False),
        ("bucket--table-s3", False),
    ],
)
def test_bucket_names_follow_s3s_documented_rules(name, valid):
    assert (aws_limits.bucket_name_problem(name) is None) == valid
