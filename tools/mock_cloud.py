"""Pulumi mocks that answer like AWS and pulumi-random would, without a network.

Ids and ARNs have their real shapes (account 123456789012, the configured region, the
6-character suffix of secret ARNs); random values honour length and character set, and
depend on the inputs, so changing a keeper changes the value just as a replacement would.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import hashlib
import hmac
import json
import random
import string
import threading
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, rpc
from pulumi.runtime.mocks import MockMonitor

from tools.pulumi_cli import urn
from tools.sdk_internals import SECRET_SIGNATURE, thread_event_loop

MOCK_ACCOUNT = "123456789012"


def wrap_secret(value: Any) -> dict:
    return {**SECRET_SIGNATURE, "value": value}


def is_secret(value: Any) -> bool:
    return rpc.is_rpc_secret(value)


def _seed(*parts: Any) -> random.Random:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).digest()
    return random.Random(digest)


def _unwrap(value: Any) -> Any:
    if is_secret(value):
        return _unwrap(value["value"])
    if isinstance(value, dict):
        return {key: _unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    return value


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


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


@dataclass
class MockCloud(Mocks):
    region: str
    account: str = MOCK_ACCOUNT
    # additionalSecretOutputs of the registration under way on each thread (the SDK registers
    # from several executor threads at once), set by RecordingMonitor.
    registering: threading.local = field(default_factory=threading.local)
    # "<org>/<project>/<stack>" -> (outputs, names of the secret ones), answered to StackReference.
    stack_references: dict[str, tuple[dict, set[str]]] = field(default_factory=dict)

    def _arn(self, service: str, resource: str, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:aws:{service}:{region}:{self.account}:{resource}"

    def _resource_state(self, typ: str, name: str, inputs: dict, identity: str) -> tuple[str, dict]:
        """The id and computed outputs AWS (or pulumi-random) would give: one entry of
        RESOURCE_STATES per type, a generic ARN otherwise. `identity` (the URN) seeds what AWS
        would assign: it stays the same across renders of the same resource, whatever its
        inputs, and differs between stacks."""
        resource = _Resource(self, name, inputs, identity)
        state = RESOURCE_STATES.get(typ)
        if state is not None:
            return state(resource)
        service = typ.split(":")[1].split("/")[0]
        return f"{resource.physical}-id", {"arn": self._arn(service, resource.physical)}

    def _stack_reference(self, stack_name: str) -> dict:
        # "*/<project>/<stack>" answers a reference from any organization.
        wildcard = "*/" + stack_name.split("/", 1)[-1]
        if stack_name not in self.stack_references and wildcard in self.stack_references:
            stack_name = wildcard
        if stack_name not in self.stack_references:
            raise KeyError(f"no stack {stack_name} is known to the synth mocks")
        outputs, secret_names = self.stack_references[stack_name]
        return {
            "name": stack_name,
            # As the engine hands them over: secret outputs wrapped as secrets.
            "outputs": {k: wrap_secret(v) if k in secret_names else v for k, v in outputs.items()},
            "secretOutputNames": sorted(secret_names),
        }

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        inputs = _unwrap(args.inputs)
        identity = getattr(self.registering, "urn", None) or args.name
        resource_id, computed = self._resource_state(args.typ, args.name, inputs, identity)
        state = {**args.inputs, "id": resource_id, **computed}
        for key in getattr(self.registering, "secret_outputs", ()):
            if key in state and not is_secret(state[key]):
                state[key] = wrap_secret(state[key])
        return resource_id, state

    def call(self, args: MockCallArgs) -> dict:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account,
                "arn": f"arn:aws:iam::{self.account}:user/synth",
                "userId": "AIDASYNTH",
                "id": self.account,
            }
        if args.token == "aws:index/getRegion:getRegion":
            return {
                "name": self.region,
                "region": self.region,
                "id": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
                "description": self.region,
            }
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        raise NotImplementedError(f"the synth mocks do not answer {args.token}")


@dataclass(frozen=True)
class _Resource:
    cloud: MockCloud
    name: str
    inputs: dict
    identity: str

    @property
    def physical(self) -> str:
        return self.inputs.get("name", self.name)

    def arn(self, service: str, resource: str, regional: bool = True) -> str:
        return self.cloud._arn(service, resource, regional)


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


def _db_instance(r: _Resource) -> tuple[str, dict]:
    identifier = r.inputs["identifier"]
    address = f"{identifier}.c8x2kd1qpt0z.{r.cloud.region}.rds.amazonaws.com"
    port = r.inputs.get("port", 5432)
    return identifier, {
        "arn": r.arn("rds", f"db:{identifier}"),
        "address": address,
        "port": port,
        "endpoint": f"{address}:{port}",
    }


def _dashboard(r: _Resource) -> tuple[str, dict]:
    dashboard = r.inputs["dashboardName"]
    return dashboard, {
        "dashboardArn": f"arn:aws:cloudwatch::{r.cloud.account}:dashboard/{dashboard}"
    }


def _subscription(r: _Resource) -> tuple[str, dict]:
    subscription = f"{r.inputs['topic']}:{_uuid(r.identity)}"
    return subscription, {"arn": subscription}


RESOURCE_STATES = {
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
    "aws:cloudtrail/trail:Trail": lambda r: (
        r.physical,
        {"arn": r.arn("cloudtrail", f"trail/{r.physical}")},
    ),
    "aws:s3/bucket:Bucket": lambda r: (
        r.inputs["bucket"],
        {"arn": f"arn:aws:s3:::{r.inputs['bucket']}", "bucket": r.inputs["bucket"]},
    ),
    "aws:rds/instance:Instance": _db_instance,
    "random:index/randomPassword:RandomPassword": lambda r: (
        "none",
        {"result": mock_password(r.identity, r.inputs), "bcryptHash": "$2a$10$" + "x" * 53},
    ),
    "random:index/randomBytes:RandomBytes": _random_bytes,
    "pulumi:pulumi:StackReference": lambda r: (
        r.physical,
        r.cloud._stack_reference(r.inputs["name"]),
    ),
}


def _uuid(name: str) -> str:
    digits = hashlib.sha256(name.encode()).hexdigest()
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:32]}"


# MockMonitor gives each executor thread an event loop of its own and never closes it; left to
# interpreter shutdown, those loops print "Exception ignored ... Invalid file descriptor" on
# stderr. They stay open for later synths in the same process and are closed at exit.
_THREAD_LOOPS: set[asyncio.AbstractEventLoop] = set()


@atexit.register
def _close_thread_loops() -> None:
    for loop in _THREAD_LOOPS:
        if not loop.is_running() and not loop.is_closed():
            loop.close()


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent_urn: str | None
    protect: bool
    custom: bool
    inputs: dict
    # Inputs plus what the mocks computed (ids, ARNs), as a stack policy would see them.
    state: dict
    # Resource options as the engine receives them (dependsOn as URNs; named by the synth).
    options: dict = field(default_factory=dict)
    # Which resources' outputs each input property was built from (URNs), as the engine records
    # them in the state's propertyDependencies: in a preview those inputs are unknown whenever
    # one of the resources is being created or replaced.
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)


def _options(request, engine_urn) -> dict:
    """The options of a RegisterResourceRequest that change what `pulumi up` does. The SDK sends
    explicit dependsOn and input dependencies together; the explicit ones are those no input
    carries."""
    from_inputs = {urn for deps in request.propertyDependencies.values() for urn in deps.urns}
    return {
        "protect": bool(request.protect),
        "retainOnDelete": bool(request.retainOnDelete),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "dependsOn": sorted(engine_urn(u) for u in set(request.dependencies) - from_inputs),
    }


def alias_urns(request, stack: str, project: str, parent_urn: str | None, engine_urn) -> list:
    """The URNs a registration's aliases stand for. A spec leaves out what stays the same as the
    resource's own: name, type, stack, project, parent (pulumi/pulumi proto/pulumi/alias.proto;
    the engine resolves them in pkg/resource/deploy/source_eval.go, generateAliases)."""
    urns = []
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = parent_urn
        if spec.parentUrn:
            parent = engine_urn(spec.parentUrn)
        elif spec.noParent:
            parent = None
        urns.append(
            urn.child(
                spec.stack or stack,
                spec.project or project,
                parent,
                spec.type or request.type,
                spec.name or request.name,
            )
        )
    return urns


class RecordingMonitor(MockMonitor):
    """Keeps what the engine would see of each registration, with the engine's URNs (the mock
    monitor's own are not: tools/pulumi_cli/urn.py), and applies additionalSecretOutputs the way
    the engine does (plain mocks leave those outputs readable)."""

    def __init__(self, mocks: MockCloud, stack: str, project: str):
        super().__init__(mocks)
        self.cloud = mocks
        self.stack = stack
        self.project = project
        self.registrations: list[Registration] = []
        # The mock monitor's URN of each registered resource -> the engine's.
        self._engine_urns: dict[str, str] = {}

    def engine_urn(self, mock_urn: str) -> str:
        return self._engine_urns.get(mock_urn, mock_urn)

    def _note_thread_loop(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            _THREAD_LOOPS.add(thread_event_loop())

    def Invoke(self, request):
        try:
            return super().Invoke(request)
        finally:
            self._note_thread_loop()

    def RegisterResource(self, request):
        parent = self.engine_urn(request.parent) if request.parent else None
        engine = urn.child(self.stack, self.project, parent, request.type, request.name)
        self.cloud.registering.secret_outputs = list(request.additionalSecretOutputs)
        self.cloud.registering.urn = engine
        try:
            response = super().RegisterResource(request)
        finally:
            self.cloud.registering.secret_outputs = ()
            self.cloud.registering.urn = None
            self._note_thread_loop()
        self._engine_urns[response.urn] = engine
        if request.type != urn.ROOT_STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=engine,
                    parent_urn=parent,
                    protect=bool(request.protect),
                    custom=bool(request.custom),
                    inputs=rpc.deserialize_properties(request.object),
                    state=rpc.deserialize_properties(response.object),
                    options={
                        **_options(request, self.engine_urn),
                        "aliases": alias_urns(
                            request, self.stack, self.project, parent, self.engine_urn
                        ),
                    },
                    property_dependencies={
                        name: sorted(self.engine_urn(u) for u in deps.urns)
                        for name, deps in request.propertyDependencies.items()
                        if deps.urns
                    },
                )
            )
        return response


def render(value: Any, show_secrets: bool, digest_key: bytes | None = None) -> Any:
    """Plain JSON of a deserialized property value, secrets as "[secret]" unless shown.

    With a digest key, a secret becomes "[secret:<keyed digest>]": two renders made with the same
    one-off key (tools/change_plan.py) can tell whether a secret changed, and nothing that
    outlives the key can tell anything about the value."""
    if is_secret(value):
        if show_secrets:
            return render(value["value"], show_secrets)
        if digest_key is None:
            return "[secret]"
        plain = json.dumps(render(value["value"], True), sort_keys=True).encode()
        return f"[secret:{hmac.new(digest_key, plain, hashlib.sha256).hexdigest()[:32]}]"
    if isinstance(value, dict):
        # Protobuf maps arrive in no fixed order; sorted keys keep snapshots stable.
        return {key: render(value[key], show_secrets, digest_key) for key in sorted(value)}
    if isinstance(value, list):
        return [render(item, show_secrets, digest_key) for item in value]
    return _whole(value)
