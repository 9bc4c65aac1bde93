"""Monitoring: alarms wired to signals AWS really emits, checked against AWS's own API model."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import botocore.session
import pytest
from cloudwatch_filter import UnsupportedPattern, matches
from conftest import synth
from moto.events.models import EventPattern

from harness.synth import synthesize
from settings import ConfigError

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
PREFIX = "programador-musical-production"
TOPIC_ARN = f"arn:aws:sns:us-east-1:123456789012:{PREFIX}-secrets-alarms"
SAMPLES = Path(__file__).parent / "samples"
APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:programador-musical-production-app-secrets-FBb59t"
DB_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:programador-musical-production-db-credentials-QnvfB1"


def sample(name: str, **changes) -> dict:
    record = json.loads((SAMPLES / f"{name}.json").read_text())
    for path, value in changes.items():
        target = record
        *parents, leaf = path.split("__")
        for parent in parents:
            if not isinstance(target.get(parent), dict):
                target[parent] = {}
            target = target[parent]
        target[leaf] = value
    return record


@cache
def model(service: str):
    return botocore.session.get_session().get_service_model(service)


def _alarms(result) -> dict[str, dict]:
    """The alarms of the stack's own region (replica regions have theirs: tests/test_replicas)."""
    return {
        r["inputs"]["name"]: r["inputs"]
        for r in result.resources_of(ALARM)
        if "region" not in r["inputs"]
    }


def _filters(result) -> dict[str, str]:
    return {
        r["inputs"]["name"].removeprefix(f"{PREFIX}-secrets-"): r["inputs"]["pattern"]
        for r in result.resources_of(FILTER)
    }


def test_alarm_names_and_outputs(production):
    expected = [
        f"{PREFIX}-secrets-{signal}"
        for signal in (
            "retrieval-volume",
            "rotation-function-errors",
            "unauthorized-access",
            "failed-retrievals",
            "rotation-failed",
        )
    ]
    assert sorted(_alarms(production)) == sorted(expected)
    assert production.outputs["alarmNames"] == expected
    assert production.outputs["alarmTopicArn"] == TOPIC_ARN
    assert production.outputs["dashboardName"] == f"{PREFIX}-secrets"


def test_retrieval_volume_alarm_watches_usage_call_count(production):
    alarm = _alarms(production)[f"{PREFIX}-secrets-retrieval-volume"]
    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/Usage", "CallCount")
    assert alarm["dimensions"] == {
        "Service": "Secrets Manager",
        "Type": "API",
        "Resource": "GetSecretValue",
        "Class": "None",
    }
    assert (alarm["statistic"], alarm["period"], alarm["evaluationPeriods"]) == ("Sum", 300, 1)
    assert (alarm["threshold"], alarm["comparisonOperator"]) == (10, "GreaterThanThreshold")
    assert alarm["treatMissingData"] == "notBreaching"


def test_retrieval_threshold_is_configurable():
    alarm = _alarms(synth(monitoringRetrievalThreshold="50"))[f"{PREFIX}-secrets-retrieval-volume"]
    assert alarm["threshold"] == 50


@pytest.mark.parametrize(
    ("signal", "metric"),
    [
        ("unauthorized-access", "UnauthorizedAccess"),
        ("failed-retrievals", "FailedRetrievals"),
        ("rotation-failed", "RotationFailed"),
    ],
)
def test_cloudtrail_alarms_watch_their_metric_filter(production, signal, metric):
    alarm = _alarms(production)[f"{PREFIX}-secrets-{signal}"]
    assert alarm["namespace"] == "ProgramadorMusical/Secrets"
    assert alarm["metricName"] == f"{PREFIX}/{metric}"
    assert "dimensions" not in alarm
    assert (alarm["statistic"], alarm["period"], alarm["evaluationPeriods"]) == ("Sum", 300, 1)
    assert (alarm["threshold"], alarm["comparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["treatMissingData"] == "notBreaching"
    (metric_filter,) = [
        f
        for f in production.resources_of(FILTER)
        if f["inputs"]["name"] == f"{PREFIX}-secrets-{signal}"
    ]
    assert metric_filter["inputs"]["metricTransformation"] == {
        "name": f"{PREFIX}/{metric}",
        "namespace": "ProgramadorMusical/Secrets",
        "value": "1",
    }
    assert metric_filter["inputs"]["logGroupName"] == f"/aws/cloudtrail/{PREFIX}-secrets"


def test_rotation_succeeded_is_a_metric_for_the_dashboard(production):
    assert "rotation-succeeded" in _filters(production)
    assert f"{PREFIX}-secrets-rotation-succeeded" not in _alarms(production)
    body = json.loads(
        production.named("aws:cloudwatch/dashboard:Dashboard", f"{PREFIX}-secrets")["inputs"][
            "dashboardBody"
        ]
    )
    shown = json.dumps(body)
    for metric in (
        "RotationSucceeded",
        "RotationFailed",
        "UnauthorizedAccess",
        "FailedRetrievals",
        "CallCount",
    ):
        assert metric in shown
    alarms_widget = next(w for w in body["widgets"] if w["type"] == "alarm")
    assert len(alarms_widget["properties"]["alarms"]) == 5


def test_every_alarm_sends_alarm_and_ok_to_the_topic_with_a_runbook(production):
    for name, alarm in _alarms(production).items():
        assert alarm["alarmActions"] == [TOPIC_ARN], name
        assert alarm["okActions"] == [TOPIC_ARN], name
        assert (
            "Check first" in alarm["alarmDescription"]
            and f"Runbook: docs/monitoring.md#{name.removeprefix(PREFIX + '-secrets-')}"
            in alarm["alarmDescription"]
        )
        assert (
            len(alarm["alarmDescription"])
            <= model("cloudwatch").shape_for("AlarmDescription").metadata["max"]
        )


def _documented_values(member_doc: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", member_doc)
    found = re.search(r"Valid Values:(.*?)(?:$|\.\s)", text)
    return [value.split()[0] for value in found.group(1).split("|")] if found else []


def test_alarm_fields_are_valid_in_the_cloudwatch_api_model(production):
    put_alarm = model("cloudwatch").operation_model("PutMetricAlarm").input_shape.members
    treat_missing = _documented_values(put_alarm["TreatMissingData"].documentation)
    assert treat_missing == ["breaching", "notBreaching", "ignore", "missing"]
    for name, alarm in _alarms(production).items():
        assert alarm["comparisonOperator"] in put_alarm["ComparisonOperator"].enum, name
        assert alarm["statistic"] in put_alarm["Statistic"].enum, name
        assert alarm["treatMissingData"] in treat_missing, name
        assert alarm["period"] >= put_alarm["Period"].metadata["min"], name
        # The model's Period documentation: 10, 20, 30 or a multiple of 60 seconds.
        assert alarm["period"] in (10, 20, 30) or alarm["period"] % 60 == 0, name
        assert alarm["evaluationPeriods"] >= put_alarm["EvaluationPeriods"].metadata["min"], name
        for field in ("AlarmName", "MetricName", "Namespace"):
            limits = put_alarm[field].metadata
            value = alarm[field[0].lower() + field[1:] if field != "AlarmName" else "name"]
            assert limits["min"] <= len(value) <= limits["max"], (name, field)


def test_filter_patterns_fit_the_logs_api_model(production):
    limit = model("logs").shape_for("FilterPattern").metadata["max"]
    for signal, pattern in _filters(production).items():
        assert len(pattern) <= limit, signal


def test_filter_pattern_matcher_is_honest_about_its_subset():
    with pytest.raises(UnsupportedPattern):
        matches('{ $.a != "x" }', {"a": "y"})
    with pytest.raises(UnsupportedPattern):
        matches('{ ($.a = "x") && ($.b = "y") || ($.c = "z") }', {})
    assert matches("{ $.a.b NOT EXISTS }", {"a": None})
    assert not matches('{ $.a = "*" }', {"b": 1})


def test_filters_against_sample_cloudtrail_records(production):
    """Each filter pattern evaluated on sample CloudTrail records by the independent matcher in
    tests/cloudwatch_filter.py (the documented subset of the JSON filter syntax)."""
    filters = _filters(production)
    denied = sample("get_secret_value_access_denied")
    success = sample("get_secret_value_success")
    rotation_failed = sample("rotation_failed")
    denied_by_arn = sample("get_secret_value_access_denied", requestParameters__secretId=APP_ARN)
    denied_without_parameters = sample("get_secret_value_access_denied", requestParameters=None)
    denied_on_staging = sample(
        "get_secret_value_access_denied",
        requestParameters__secretId="programador-musical-staging-app-secrets",
    )
    not_found = sample("get_secret_value_success", errorCode="ResourceNotFoundException")
    rotation_succeeded = sample("rotation_failed", eventName="RotationSucceeded")
    staging_rotation = sample(
        "rotation_failed", additionalEventData={"SecretId": DB_ARN.replace("production", "staging")}
    )

    expectations = {
        "unauthorized-access": [
            (denied, True),
            (denied_by_arn, True),
            (denied_without_parameters, True),
            (denied_on_staging, False),
            (success, False),
            (rotation_failed, False),
        ],
        "failed-retrievals": [
            (denied, True),
            (not_found, True),
            (success, False),
            (denied_on_staging, False),
            (rotation_failed, False),
        ],
        "rotation-failed": [
            (rotation_failed, True),
            (rotation_succeeded, False),
            (staging_rotation, False),
            (denied, False),
        ],
        "rotation-succeeded": [(rotation_succeeded, True), (rotation_failed, False)],
    }
    for signal, cases in expectations.items():
        for index, (record, expected) in enumerate(cases):
            assert matches(filters[signal], record) is expected, (signal, index)


def _eventbridge(record: dict) -> dict:
    return {
        "version": "0",
        "id": "e0c0b0a0-0000-0000-0000-000000000000",
        "detail-type": "AWS Service Event via CloudTrail",
        "source": "aws.secretsmanager",
        "account": "123456789012",
        "time": "2026-11-28T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": record,
    }


def test_rotation_failures_reach_the_topic_through_eventbridge(production):
    rule = production.named(
        "aws:cloudwatch/eventRule:EventRule", f"{PREFIX}-secrets-rotation-failed"
    )
    pattern = EventPattern.load(rule["inputs"]["eventPattern"])
    assert pattern.matches_event(_eventbridge(sample("rotation_failed")))
    assert pattern.matches_event(
        _eventbridge(sample("rotation_failed", additionalEventData={"SecretId": APP_ARN}))
    )
    assert not pattern.matches_event(
        _eventbridge(sample("rotation_failed", eventName="RotationSucceeded"))
    )
    assert not pattern.matches_event(
        _eventbridge(
            sample(
                "rotation_failed",
                additionalEventData={
                    "SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbC123"
                },
            )
        )
    )
    api_call = _eventbridge(sample("get_secret_value_success"))
    api_call["detail-type"] = "AWS API Call via CloudTrail"
    assert not pattern.matches_event(api_call)
    target = production.resource(
        "aws:cloudwatch/eventTarget:EventTarget", "secrets-monitoring-rotation-failed-target"
    )
    assert target["inputs"]["arn"] == TOPIC_ARN


def test_topic_is_encrypted_with_a_key_alarm_publishers_can_use(production):
    topic = production.resource("aws:sns/topic:Topic", "secrets-monitoring-topic")
    key = production.resource("aws:kms/key:Key", "secrets-monitoring-topic-key")
    assert key["inputs"]["enableKeyRotation"] is True
    assert topic["inputs"]["kmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    services = json.loads(key["inputs"]["policy"])["Statement"][1]["Principal"]["Service"]
    assert set(services) == {"cloudwatch.amazonaws.com", "events.amazonaws.com"}
    policy = json.loads(
        production.resource("aws:sns/topicPolicy:TopicPolicy", "secrets-monitoring-topic-policy")[
            "inputs"
        ]["policy"]
    )
    alarm_statement = next(s for s in policy["Statement"] if s["Sid"] == "StackAlarmsPublish")
    assert len(alarm_statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == 5


def test_email_subscriptions_from_config(production):
    (subscription,) = [
        s
        for s in production.resources_of("aws:sns/topicSubscription:TopicSubscription")
        if "region" not in s["inputs"]
    ]
    assert subscription["inputs"]["protocol"] == "email"
    assert subscription["inputs"]["endpoint"] == "platform-oncall@programador-musical.example"
    assert subscription["inputs"]["topic"] == TOPIC_ARN


def test_dedicated_trail_is_private_and_encrypted(production):
    bucket = production.resource("aws:s3/bucket:Bucket", "audit-trail-bucket")
    assert bucket["inputs"]["bucket"] == f"{PREFIX}-trail-123456789012"
    block = production.resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "audit-trail-bucket-public-access-block",
    )["inputs"]
    assert all(
        block[k] is True
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    encryption = production.resource(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "audit-trail-bucket-encryption",
    )
    (rule,) = encryption["inputs"]["rules"]
    # The trail's own key (its alias points at it) encrypts the files and is the bucket default.
    key_id = production.resource("aws:kms/alias:Alias", "audit-trail-key-alias")["inputs"][
        "targetKeyId"
    ]
    key_arn = f"arn:aws:kms:us-east-1:123456789012:key/{key_id}"
    assert rule["applyServerSideEncryptionByDefault"] == {
        "kmsMasterKeyId": key_arn,
        "sseAlgorithm": "aws:kms",
    }
    assert rule["bucketKeyEnabled"] is True
    trail_inputs = production.named("aws:cloudtrail/trail:Trail", f"{PREFIX}-secrets-trail")
    assert trail_inputs["inputs"]["kmsKeyId"] == key_arn
    trail = production.named("aws:cloudtrail/trail:Trail", f"{PREFIX}-secrets-trail")["inputs"]
    assert trail["cloudWatchLogsGroupArn"].endswith(
        f":log-group:/aws/cloudtrail/{PREFIX}-secrets:*"
    )
    assert trail["enableLogFileValidation"] is True
    assert trail["eventSelectors"] == [{"includeManagementEvents": True, "readWriteType": "All"}]


def test_existing_trail_log_group_is_used_without_a_new_trail():
    result = synth(monitoringCreateTrail="false", monitoringCloudTrailLogGroup="org-trail-logs")
    assert result.resources_of("aws:cloudtrail/trail:Trail") == []
    assert {f["inputs"]["logGroupName"] for f in result.resources_of(FILTER)} == {"org-trail-logs"}
    assert len(result.outputs["alarmNames"]) == 5


def test_without_cloudtrail_the_alarms_are_left_out_with_a_warning():
    result = synth(monitoringCreateTrail="false")
    assert result.resources_of(FILTER) == []
    assert result.outputs["alarmNames"] == [
        f"{PREFIX}-secrets-retrieval-volume",
        f"{PREFIX}-secrets-rotation-function-errors",
    ]
    assert any("no CloudTrail log group" in warning for warning in result.warnings)
    assert result.resources_of("aws:cloudwatch/eventRule:EventRule")  # rotation still notifies


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"monitoringAlarmEmails": ["not-an-email"]}, "monitoringAlarmEmails"),
        ({"monitoringAlarmEmails": ["a@b"]}, "monitoringAlarmEmails"),
        ({"monitoringRetrievalThreshold": "0"}, "monitoringRetrievalThreshold"),
        ({"monitoringCloudTrailLogGroup": "bad name!"}, "monitoringCloudTrailLogGroup"),
        (
            {"monitoringCloudTrailLogGroup": "org-trail", "monitoringCreateTrail": "true"},
            "monitoringCloudTrailLogGroup",
        ),
    ],
)
def test_bad_monitoring_config_is_an_error(overrides, key):
    with pytest.raises(ConfigError) as caught:
        synthesize(overrides=overrides)
    assert key in {p.key for p in caught.value.problems}


def test_the_rotation_functions_errors_are_alarmed_on_under_managed_rotation(production):
    alarm = _alarms(production)[f"{PREFIX}-secrets-rotation-function-errors"]
    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/Lambda", "Errors")
    assert alarm["dimensions"] == {"FunctionName": f"{PREFIX}-db-rotation"}
    assert production.outputs["rotationFunctionArn"].endswith(f":function:{PREFIX}-db-rotation")
    assert (alarm["threshold"], alarm["comparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )
    manual = synth(rotationManaged="false")
    assert f"{PREFIX}-secrets-rotation-function-errors" not in manual.outputs["alarmNames"]
