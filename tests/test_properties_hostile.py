"""Property: any string a user can put into a string setting either is a config error that names
that key, or arrives unchanged in the resource inputs that use it. Generated values mix control
characters, trailing whitespace and unicode into otherwise valid ones."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.synth import synthesize
from settings import CONFIG_KEYS, ConfigError
from settings.declarations import declared

pytestmark = pytest.mark.heavy(seconds=15)

APP, DB = "app-secrets", "db-credentials"
NASTY = st.sampled_from(
    ["\n", "\r", "\t", " ", "\x00", "\x01", "\x7f", "\u2028", "\u00e9", "\U0001f511"]
)
BASES = {
    "appName": ["programador-musical", "app"],
    "databaseHost": ["db.example.com"],
    "databaseName": ["programador_musical"],
    "databaseUsername": ["programador_user"],
    "databaseEngine": ["postgres", "aurora-postgresql"],
    "jwtSecretKey": ["k" * 40],
    "databasePassword": ["Kept-password-1234"],
    "secretsAdministratorRoleArn": ["arn:aws:iam::123456789012:role/platform-deploy"],
    "rotationJwt": ["2026-12-01"],
    "rotationSchedule": ["rate(30 days)", "rate(4 hours)", "cron(0 4 ? * SUN *)"],
    "rotationMasterSecretArn": [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-abcdef"
    ],
    "rotationMasterSecretKmsKeyArn": [
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ],
    "rotationDatabase": ["2026-12-01"],
    "containerImage": ["123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"],
    "monitoringCloudTrailLogGroup": ["org-trail-logs"],
}


def _secret_json(result, suffix: str) -> dict:
    version = next(
        r
        for r in result.resources_of("aws:secretsmanager/secretVersion:SecretVersion")
        if r["name"].endswith(suffix)
    )
    return json.loads(version["inputs"]["secretString"])


def _keepers(result, token: str) -> dict:
    # The password generator, or the JWT key of generation 0 (slot 0), whose keepers hold the
    # token.
    (generator,) = [
        r for r in result.resources_of(token) if r["name"].endswith(("-password", "-slot-0"))
    ]
    return generator["inputs"]["keepers"]


def _rotation_parameters(result) -> dict:
    (application,) = result.resources_of(
        "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
    )
    return application["inputs"]["parameters"]


def _image(result) -> str:
    (task,) = result.resources_of("aws:ecs/taskDefinition:TaskDefinition")
    return json.loads(task["inputs"]["containerDefinitions"])[0]["image"]


# Keys that land in the copies app-secrets holds only under the manual rotation scheme.
MANUAL_ROTATION_KEYS = ("databaseHost", "databaseName", "databaseUsername", "databasePassword")

# Where each string setting lands in the resource inputs.
LANDED = {
    "appName": lambda r: {
        s["inputs"]["name"].removesuffix("-production-app-secrets")
        for s in r.resources_of("aws:secretsmanager/secret:Secret")
        if s["inputs"]["name"].endswith("-production-app-secrets")
    },
    "databaseHost": lambda r: {_secret_json(r, APP)["database_host"], _secret_json(r, DB)["host"]},
    "databaseName": lambda r: {
        _secret_json(r, APP)["database_name"],
        _secret_json(r, DB)["dbname"],
    },
    "databaseUsername": lambda r: {
        _secret_json(r, APP)["database_username"],
        _secret_json(r, DB)["username"],
    },
    "databaseEngine": lambda r: {_secret_json(r, DB)["engine"]},
    "jwtSecretKey": lambda r: {_secret_json(r, APP)["jwt_secret_key"]},
    "databasePassword": lambda r: {
        _secret_json(r, APP)["database_password"],
        _secret_json(r, DB)["password"],
    },
    "secretsAdministratorRoleArn": lambda r: {
        arn
        for p in r.resources_of("aws:secretsmanager/secretPolicy:SecretPolicy")
        for s in json.loads(p["inputs"]["policy"])["Statement"]
        if s["Effect"] == "Deny"
        for arn in s["Condition"]["StringNotEquals"]["aws:PrincipalArn"]
        if not arn.endswith("-ecs-execution-role") and "-db-rotation-role-" not in arn
    },
    "rotationJwt": lambda r: {_keepers(r, "random:index/randomBytes:RandomBytes")["rotation"]},
    "rotationDatabase": lambda r: {
        _keepers(r, "random:index/randomPassword:RandomPassword")["rotation"]
    },
    "containerImage": lambda r: {_image(r)},
    "rotationSchedule": lambda r: {
        rotation["inputs"]["rotationRules"]["scheduleExpression"]
        for rotation in r.resources_of("aws:secretsmanager/secretRotation:SecretRotation")
    },
    "rotationMasterSecretArn": lambda r: {
        _secret_json(r, DB)["masterarn"],
        _rotation_parameters(r)["masterSecretArn"],
    },
    "rotationMasterSecretKmsKeyArn": lambda r: {
        value for key, value in _rotation_parameters(r).items() if key == "masterSecretKmsKeyArn"
    },
    "monitoringCloudTrailLogGroup": lambda r: {
        f["inputs"]["logGroupName"]
        for f in r.resources_of("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    },
}


def test_every_string_setting_is_covered():
    assert set(LANDED) == {key.name for key in CONFIG_KEYS if key.type == "string"}


def _values(key: str):
    base = st.sampled_from(BASES[key])
    return st.one_of(
        base,
        st.tuples(st.lists(NASTY, max_size=2), base, st.lists(NASTY, min_size=1, max_size=2)).map(
            lambda parts: "".join(parts[0]) + parts[1] + "".join(parts[2])
        ),
        st.text(max_size=24),
    )


@pytest.mark.parametrize("key", sorted(LANDED))
def test_a_string_setting_is_refused_by_name_or_arrives_unchanged(key):
    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(_values(key))
    def check(value: str) -> None:
        overrides = {"monitoringCreateTrail": "false"} if key.startswith("monitoring") else {}
        if key in MANUAL_ROTATION_KEYS:
            overrides["rotationManaged"] = "false"
        secrets = {}
        if declared(key).secret:
            secrets[key] = value
        else:
            overrides[key] = value
        try:
            result = synthesize(overrides=overrides, secret_overrides=secrets, show_secrets=True)
        except ConfigError as error:
            assert {problem.key for problem in error.problems} == {key}, error.problems
            if declared(key).secret:
                # Shown masked, never rendered; a distinctive value is absent from the message
                # (a one-character value like "1" appears in any text by chance).
                assert [p.shown_value for p in error.problems] == ["[secret]"]
                if len(value.strip()) >= 8:
                    assert value not in str(error)
            return
        if value == "" and declared(key).default == "":
            # The documented meaning of an empty optional key: not set.
            assert LANDED[key](result) != {value}
            return
        assert LANDED[key](result) == {value}

    check()
