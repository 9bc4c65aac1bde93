"""Pulumi mocks that answer like AWS and pulumi-random would, without a network.

Ids and ARNs have their real shapes (account 123456789012, the configured region, the
6-character suffix of secret ARNs); random values honour length and character set, and
depend on the inputs, so changing a keeper changes the value just as a replacement would.
Each type's answer is in harness/mock_states.py; the monitor that records registrations in
harness/recording_monitor.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, rpc

from harness.mock_states import RESOURCE_STATES, _Resource, function_role, mock_password
from harness.sdk_internals import SECRET_SIGNATURE

__all__ = ["MOCK_ACCOUNT", "MockCloud", "is_secret", "mock_password", "render", "wrap_secret"]

MOCK_ACCOUNT = "123456789012"


def wrap_secret(value: Any) -> dict:
    return {**SECRET_SIGNATURE, "value": value}


def is_secret(value: Any) -> bool:
    return rpc.is_rpc_secret(value)


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


@dataclass
class MockCloud(Mocks):
    region: str
    account: str = MOCK_ACCOUNT
    # additionalSecretOutputs of the registration under way on each thread (the SDK registers
    # from several executor threads at once), set by RecordingMonitor.
    registering: threading.local = field(default_factory=threading.local)
    # "<org>/<project>/<stack>" -> (outputs, names of the secret ones), answered to StackReference.
    stack_references: dict[str, tuple[dict, set[str]]] = field(default_factory=dict)

    def _arn(
        self, service: str, resource: str, regional: bool = True, region: str | None = None
    ) -> str:
        region = (region or self.region) if regional else ""
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
        if args.token == "aws:lambda/getFunction:getFunction":
            function = args.args["functionName"]
            return {
                "functionName": function,
                "arn": function,
                "role": function_role(self, function),
            }
        raise NotImplementedError(f"the synth mocks do not answer {args.token}")


def render(value: Any, show_secrets: bool, digest_key: bytes | None = None) -> Any:
    """Plain JSON of a deserialized property value, secrets as "[secret]" unless shown.

    With a digest key, a secret becomes "[secret:<keyed digest>]": two renders made with the same
    one-off key (harness/change_plan.py) can tell whether a secret changed, and nothing that
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
