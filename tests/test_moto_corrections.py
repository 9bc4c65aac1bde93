"""The emulator's Secrets Manager keeps staging labels as AWS documents them
(tests/support/moto_server.py corrects moto where it does not): each correction is held here to
what AWS's RotateSecret and UpdateSecretVersionStage pages say; what it changes for speed still
answers as moto did."""

from __future__ import annotations

import pytest

from stack_model.policy_documents import AWS_MANAGED_POLICIES_ATTACHED
from tests.support.aws_emulator import leased_emulator
from tests.support.function_stub import HANDLER, LAMBDA_TRUST, RUNTIME, code_that_does_nothing


@pytest.fixture(scope="module")
def moto():
    with leased_emulator() as server:
        yield server


def _secret_with_a_function(moto, name: str) -> tuple[str, str]:
    role = moto.client("iam").create_role(
        RoleName=f"{name}-role", AssumeRolePolicyDocument=LAMBDA_TRUST
    )
    function = moto.client("lambda").create_function(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=role["Role"]["Arn"],
        Handler=HANDLER,
        Code={"ZipFile": code_that_does_nothing()},
    )["FunctionArn"]
    secret = moto.client("secretsmanager").create_secret(Name=name, SecretString="first")["ARN"]
    return secret, function


def _stages(moto, secret: str) -> list[list[str]]:
    versions = moto.client("secretsmanager").list_secret_version_ids(SecretId=secret)["Versions"]
    return sorted(sorted(v["VersionStages"]) for v in versions)


def test_turning_rotation_on_without_rotating_leaves_no_pending_version(moto):
    secret, function = _secret_with_a_function(moto, "not-at-once")
    moto.client("secretsmanager").rotate_secret(
        SecretId=secret,
        RotationLambdaARN=function,
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    assert _stages(moto, secret) == [["AWSCURRENT"]]


def test_a_rotation_started_by_hand_uses_the_configured_function_and_leaves_current_alone(moto):
    secrets = moto.client("secretsmanager")
    secret, function = _secret_with_a_function(moto, "by-hand")
    secrets.rotate_secret(
        SecretId=secret,
        RotationLambdaARN=function,
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    secrets.rotate_secret(SecretId=secret)
    assert secrets.describe_secret(SecretId=secret)["RotationLambdaARN"] == function
    # The function (a no-op here) never ran finishSecret, so the first value is still current.
    assert secrets.get_secret_value(SecretId=secret)["SecretString"] == "first"


def test_moving_awscurrent_leaves_exactly_one_current_version(moto):
    secrets = moto.client("secretsmanager")
    secret = secrets.create_secret(Name="one-current", SecretString="a")["ARN"]
    first = secrets.describe_secret(SecretId=secret)["VersionIdsToStages"]
    (first_id,) = first
    second = secrets.put_secret_value(SecretId=secret, SecretString="b")["VersionId"]
    secrets.update_secret_version_stage(
        SecretId=secret, VersionStage="AWSCURRENT", MoveToVersionId=first_id,
        RemoveFromVersionId=second,
    )  # fmt: skip
    secrets.put_secret_value(SecretId=secret, SecretString="c")
    assert [s for s in _stages(moto, secret) if "AWSCURRENT" in s] == [["AWSCURRENT"]]
    assert secrets.get_secret_value(SecretId=secret)["SecretString"] == "c"


def test_the_managed_policy_the_stack_attaches_is_there_with_awss_document(moto):
    iam = moto.client("iam")
    (arn,) = AWS_MANAGED_POLICIES_ATTACHED
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    actions = {a for s in document["PolicyVersion"]["Document"]["Statement"] for a in s["Action"]}
    assert {"ecr:GetAuthorizationToken", "logs:PutLogEvents"} <= actions


def test_a_kms_key_whose_private_key_is_made_on_first_use_still_signs_and_encrypts(moto):
    """The emulator makes a KMS key's private key when an operation first needs it (for speed):
    an asymmetric key still signs, verifies and gives its public key, the same one each time,
    and a symmetric key still encrypts."""
    kms = moto.client("kms")
    signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]["KeyId"]
    public_key = kms.get_public_key(KeyId=signing)["PublicKey"]
    signature = kms.sign(KeyId=signing, Message=b"release", SigningAlgorithm="RSASSA_PSS_SHA_256")[
        "Signature"
    ]
    verified = kms.verify(
        KeyId=signing,
        Message=b"release",
        Signature=signature,
        SigningAlgorithm="RSASSA_PSS_SHA_256",
    )
    assert verified["SignatureValid"]
    assert kms.get_public_key(KeyId=signing)["PublicKey"] == public_key
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=symmetric, Plaintext=b"value")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"value"


def test_requests_reach_the_service_they_name_when_services_alternate(moto):
    """The emulator looks up the backend of each host once (for speed): requests to different
    services, one after the other, still reach each its own."""
    for _ in range(2):
        assert "SecretList" in moto.client("secretsmanager").list_secrets()
        assert "Roles" in moto.client("iam").list_roles()
        assert "Keys" in moto.client("kms").list_keys()
        assert "Topics" in moto.client("sns").list_topics()
