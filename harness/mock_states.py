"""What AWS and pulumi-random would answer for each resource type: its id and the outputs
they compute (ARNs of the real shape, generated values), one entry per type in RESOURCE_STATES.

Values are seeded by the resource's URN: the same resource gets the same id and the same
generated value in every render, whatever its inputs, and another stack gets others; a random
value also depends on its inputs, so a changed keeper changes it, as a replacement would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Cloud(Protocol):
    region: str
    account: str

    def _arn(
        self, service: str, resource: str, regional: bool = True, region: str | None = None
    ) -> str: ...

    def _stack_reference(self, stack_name: str) -> dict: ...


def _seed(*parts: Any) -> random.Random:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).digest()
    return random.Random(digest)


def mock_password(name: str, inputs: dict) -> str:
    """A password as pulumi-random would make it: length, classes, minimums, override_special."""
    rng = _seed(name, inputs)
    length = int(inputs.get("length", 16))
    classes = []
    for flag, minimum, alphabet in (
        ("lower", "minLower", string.ascii_lowercase),
        ("upper", "minUpper", string.ascii_uppercase),
        ("numeric", "minNumeric", string.digits),
        ("special", "minSpecial", inputs.get("overrideSpecial", "!@#$%&*()-_=+[]{}<>:?")),
    ):
        if inputs.get(flag, True):
            classes.append((int(inputs.get(minimum, 0)), alphabet))
    chars = [rng.choice(alphabet) for minimum, alphabet in classes for _ in range(minimum)]
    pool = "".join(alphabet for _, alphabet in classes)
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def _secret_suffix(name: str) -> str:
    rng = _seed("suffix", name)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(6))


def _uuid(name: str) -> str:
    digits = hashlib.sha256(name.encode()).hexdigest()
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:32]}"


@dataclass(frozen=True)
class _Resource:
    cloud: Cloud
    name: str
    inputs: dict
    identity: str

    @property
    def physical(self) -> str:
        return self.inputs.get("name", self.name)

    def arn(self, service: str, resource: str, regional: bool = True) -> str:
        # pulumi-aws 7 takes a `region` on most resources; without it, the provider's.
        return self.cloud._arn(service, resource, regional, self.inputs.get("region"))


def _secret(r: _Resource) -> tuple[str, dict]:
    arn = r.arn("secretsmanager", f"secret:{r.physical}-{_secret_suffix(r.physical)}")
    return arn, {"arn": arn}


def _secret_version(r: _Resource) -> tuple[str, dict]:
    version = str(_seed(r.identity, r.inputs).getrandbits(128))
    secret_id = r.inputs.get("secretId")
    return f"{secret_id}|{version}", {"versionId": version, "arn": secret_id}


def _kms_key(r: _Resource) -> tuple[str, dict]:
    key_id = str(_uuid(r.identity))
    return key_id, {"keyId": key_id, "arn": r.arn("kms", f"key/{key_id}")}


def _kms_alias(r: _Resource) -> tuple[str, dict]:
    target = r.arn("kms", f"key/{r.inputs.get('targetKeyId')}")
    return r.physical, {"arn": r.arn("kms", r.physical), "targetKeyArn": target}


def _role(r: _Resource) -> tuple[str, dict]:
    return r.physical, {
        "arn": r.arn("iam", f"role/{r.physical}", regional=False),
        "uniqueId": "AROA" + _secret_suffix(r.identity).upper() * 2,
    }


def _task_definition(r: _Resource) -> tuple[str, dict]:
    arn = r.arn("ecs", f"task-definition/{r.inputs.get('family', r.name)}:1")
    return arn, {"arn": arn, "arnWithoutRevision": arn.rsplit(":", 1)[0], "revision": 1}


def _topic(r: _Resource) -> tuple[str, dict]:
    arn = r.arn("sns", r.physical)
    return arn, {"arn": arn}


def _random_bytes(r: _Resource) -> tuple[str, dict]:
    data = _seed(r.identity, r.inputs).randbytes(int(r.inputs["length"]))
    return "none", {"base64": base64.b64encode(data).decode(), "hex": data.hex()}


def _dynamic(r: _Resource) -> tuple[str, dict]:
    if "secretId" in r.inputs:
        return r.inputs["secretId"], {
            "versionId": str(_seed(r.identity, r.inputs).getrandbits(128))
        }
    return f"{r.inputs['stateMachineArn']}#{r.inputs['reason']}", {}


def _db_instance(r: _Resource) -> tuple[str, dict]:
    identifier = r.inputs["identifier"]
    address = f"{identifier}.c8x2kd1qpt0z.{r.cloud.region}.rds.amazonaws.com"
    port = r.inputs.get("port", 5432)
    state = {
        "arn": r.arn("rds", f"db:{identifier}"),
        "address": address,
        "port": port,
        "endpoint": f"{address}:{port}",
    }
    if r.inputs.get("manageMasterUserPassword"):
        # RDS's own secret for the master password: `rds!db-<uuid>`.
        name = f"rds!db-{_uuid(r.identity)}"
        state["masterUserSecrets"] = [
            {
                "secretArn": r.arn("secretsmanager", f"secret:{name}-{_secret_suffix(name)}"),
                "secretStatus": "active",
            }
        ]
    return identifier, state


def _dashboard(r: _Resource) -> tuple[str, dict]:
    dashboard = r.inputs["dashboardName"]
    return dashboard, {
        "dashboardArn": f"arn:aws:cloudwatch::{r.cloud.account}:dashboard/{dashboard}"
    }


def _subscription(r: _Resource) -> tuple[str, dict]:
    subscription = f"{r.inputs['topic']}:{_uuid(r.identity)}"
    return subscription, {"arn": subscription}


def _rotation_application(r: _Resource) -> tuple[str, dict]:
    # The application's CloudFormation stack, and the output its template declares.
    stack = f"serverlessrepo-{r.physical}"
    function = r.inputs.get("parameters", {}).get("functionName", stack)
    arn = r.arn("cloudformation", f"stack/{stack}/{_uuid(r.identity)}")
    return arn, {"outputs": {"RotationLambdaARN": r.arn("lambda", f"function:{function}")}}


def function_role(cloud: Cloud, function_arn: str) -> str:
    """The execution role the rotation application's template gives its function."""
    function = function_arn.rsplit(":", 1)[-1]
    return cloud._arn("iam", f"role/{function}-role-{_secret_suffix(function)}", regional=False)


RESOURCE_STATES: dict[str, Callable[[_Resource], tuple[str, dict]]] = {
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": lambda r: (f"{r.inputs.get('role')}:{r.physical}", {}),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda r: (
        f"{r.inputs.get('role')}-{_secret_suffix(r.identity)}",
        {},
    ),
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:cloudwatch/logGroup:LogGroup": lambda r: (
        r.physical,
        {"arn": r.arn("logs", f"log-group:{r.physical}")},
    ),
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:cloudwatch/metricAlarm:MetricAlarm": lambda r: (
        r.physical,
        {"arn": r.arn("cloudwatch", f"alarm:{r.physical}")},
    ),
    "aws:cloudwatch/eventRule:EventRule": lambda r: (
        r.physical,
        {"arn": r.arn("events", f"rule/{r.physical}")},
    ),
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:sfn/stateMachine:StateMachine": lambda r: (
        r.arn("states", f"stateMachine:{r.physical}"),
        {"arn": r.arn("states", f"stateMachine:{r.physical}")},
    ),
    "aws:cloudtrail/trail:Trail": lambda r: (
        r.physical,
        {"arn": r.arn("cloudtrail", f"trail/{r.physical}")},
    ),
    "aws:s3/bucket:Bucket": lambda r: (
        r.inputs["bucket"],
        {"arn": f"arn:aws:s3:::{r.inputs['bucket']}", "bucket": r.inputs["bucket"]},
    ),
    "aws:rds/instance:Instance": _db_instance,
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": _rotation_application,
    "aws:secretsmanager/secretRotation:SecretRotation": lambda r: (r.inputs["secretId"], {}),
    "random:index/randomPassword:RandomPassword": lambda r: (
        "none",
        {"result": mock_password(r.identity, r.inputs), "bcryptHash": "$2a$10$" + "x" * 53},
    ),
    "random:index/randomBytes:RandomBytes": _random_bytes,
    # The program's dynamic providers' resources: components/credential_fields.py (its id is
    # the secret's, and it answers the version it wrote) and components/restart_on_change.py.
    "pulumi-python:dynamic:Resource": _dynamic,
    "pulumi:pulumi:StackReference": lambda r: (
        r.physical,
        r.cloud._stack_reference(r.inputs["name"]),
    ),
}
