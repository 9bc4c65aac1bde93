"""Replica regions: each secret is replicated with a key of the replica's region (when the
customer-managed key is on), and a task definition there reads its local replica: the execution
role's grant covers exactly the replicas' ARNs and keys, nothing else."""

from __future__ import annotations

import json

import pytest
from conftest import synth

from settings import ConfigError
from stack_model.iam_policy import evaluate

ACCOUNT = "123456789012"
REGIONS = ["eu-west-1", "ap-southeast-2"]
APP = "programador-musical-production-app-secrets"


@pytest.fixture(scope="module")
def replicated():
    return synth(replicaRegions=REGIONS)


def _grant(result) -> dict:
    policy = result.named(
        "aws:iam/rolePolicy:RolePolicy", "programador-musical-production-ecs-execution-secrets"
    )
    return json.loads(policy["inputs"]["policy"])


def _key_arn(result, region: str) -> str:
    key_id = result.resource("aws:kms/alias:Alias", f"application-secrets-kms-alias-{region}")[
        "inputs"
    ]["targetKeyId"]
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


def test_each_secret_is_replicated_with_a_key_of_each_region(replicated):
    for secret in replicated.resources_of("aws:secretsmanager/secret:Secret"):
        assert secret["inputs"]["replicas"] == [
            {"region": region, "kmsKeyId": _key_arn(replicated, region)} for region in REGIONS
        ]
    for region in REGIONS:
        key = replicated.resource("aws:kms/key:Key", f"application-secrets-kms-key-{region}")
        assert key["inputs"]["region"] == region and key["inputs"]["enableKeyRotation"] is True
        assert key["options"]["protect"] is True


def test_a_task_in_a_replica_region_reads_its_local_replica_and_nothing_else(replicated):
    grant = _grant(replicated)
    by_region = replicated.outputs["containerSecretsByRegion"]
    assert sorted(by_region) == sorted(["us-east-1", *REGIONS])
    for region, entries in by_region.items():
        for entry in entries:
            # The ARN without the `:<json key>::` of a one-key entry.
            secret_arn = ":".join(entry["valueFrom"].split(":")[:7])
            assert secret_arn.split(":")[3] == region
            assert evaluate([grant], "secretsmanager:GetSecretValue", secret_arn).allowed
    for region in REGIONS:
        via = {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}
        assert evaluate([grant], "kms:Decrypt", _key_arn(replicated, region), via).allowed
        # Only through Secrets Manager of that region.
        elsewhere = {"kms:ViaService": "secretsmanager.us-west-2.amazonaws.com"}
        assert not evaluate([grant], "kms:Decrypt", _key_arn(replicated, region), elsewhere).allowed
    # No region the stack does not replicate to.
    unreplicated = replicated.outputs["replicaSecretArns"]["eu-west-1"]["appSecretsArn"].replace(
        "eu-west-1", "us-west-2"
    )
    assert not evaluate([grant], "secretsmanager:GetSecretValue", unreplicated).allowed
    resources = [
        r
        for s in grant["Statement"]
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    ]
    assert all("*" not in r for r in resources)
    assert len(resources) == 2 * (1 + len(REGIONS)) + 1 + len(REGIONS)


def test_the_replica_arns_are_outputs(replicated):
    arns = replicated.outputs["replicaSecretArns"]
    assert sorted(arns) == sorted(REGIONS)
    primary = replicated.outputs["appSecretsArn"]
    for region, pair in arns.items():
        assert pair["appSecretsArn"] == primary.replace(":us-east-1:", f":{region}:")


def test_without_the_customer_managed_key_replicas_use_their_region_default():
    result = synth(replicaRegions=["eu-west-1"], kmsCustomerManagedKey="false")
    for secret in result.resources_of("aws:secretsmanager/secret:Secret"):
        assert secret["inputs"]["replicas"] == [{"region": "eu-west-1"}]
    assert all(s["Action"] != "kms:Decrypt" for s in _grant(result)["Statement"])


def test_no_replicas_unless_configured():
    staging = synth("staging")
    assert staging.outputs["replicaSecretArns"] == {}
    assert list(staging.outputs["containerSecretsByRegion"]) == ["us-east-1"]
    secrets = staging.resources_of("aws:secretsmanager/secret:Secret")
    assert all("replicas" not in s["inputs"] for s in secrets)


def test_production_replicates_to_us_west_2(production):
    assert list(production.outputs["replicaSecretArns"]) == ["us-west-2"]


@pytest.mark.parametrize(
    "regions", [["mars-north-1"], ["us-east-1"], ["eu-west-1", "eu-west-1"], [""]]
)
def test_a_replica_region_that_is_unknown_the_primary_or_repeated_is_refused(regions):
    with pytest.raises(ConfigError) as caught:
        synth(replicaRegions=regions)
    assert [p.key for p in caught.value.problems] == ["replicaRegions"]


def test_each_replica_region_has_its_retrieval_alarm_notifying_a_topic_there(replicated):
    for region in REGIONS:
        alarm = replicated.resource(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            f"secrets-monitoring-retrieval-volume-alarm-{region}",
        )["inputs"]
        topic_arn = f"arn:aws:sns:{region}:{ACCOUNT}:programador-musical-production-secrets-alarms"
        assert alarm["region"] == region
        assert (alarm["namespace"], alarm["metricName"]) == ("AWS/Usage", "CallCount")
        assert alarm["dimensions"]["Resource"] == "GetSecretValue"
        assert alarm["alarmActions"] == alarm["okActions"] == [topic_arn]
        topic = replicated.resource("aws:sns/topic:Topic", f"secrets-monitoring-topic-{region}")
        assert topic["inputs"]["region"] == region
        assert topic["inputs"]["kmsMasterKeyId"].startswith(f"arn:aws:kms:{region}:")
        policy = json.loads(
            replicated.resource(
                "aws:sns/topicPolicy:TopicPolicy", f"secrets-monitoring-topic-policy-{region}"
            )["inputs"]["policy"]
        )
        (publish,) = [s for s in policy["Statement"] if s["Sid"] == "StackAlarmsPublish"]
        assert publish["Condition"]["ArnEquals"]["aws:SourceArn"] == [
            f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:programador-musical-production-secrets-retrieval-volume"
        ]
        (subscription,) = [
            s
            for s in replicated.resources_of("aws:sns/topicSubscription:TopicSubscription")
            if s["inputs"].get("region") == region
        ]
        assert subscription["inputs"]["topic"] == topic_arn
