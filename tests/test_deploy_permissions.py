"""docs/ci-cd.md's deploying role allows every action `pulumi up` (and refresh and destroy) makes
for every resource type both stacks declare, on the resources the stacks name, evaluated with the
project's IAM evaluator (stack_model/iam_policy.py) against tests/deploy_actions.py."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, synth
from deploy_actions import ACTIONS, NO_AWS

from stack_model.iam_policy import evaluate

ACCOUNT, REGION = "123456789012", "us-east-1"


def _policy() -> dict:
    text = (ROOT / "docs" / "ci-cd.md").read_text()
    block = re.search(r"<!-- deploy-policy -->\n```json\n(.*?)\n```", text, re.S)
    assert block, "docs/ci-cd.md has no deploy-policy block"
    return json.loads(block.group(1))


def _targets(resource: dict, key: str) -> list[str]:
    """What `key` of ACTIONS names for this resource, as an ARN (or `*`)."""
    inputs, assigned = resource["inputs"], resource.get("assigned", {})
    values = {**inputs, **assigned}
    parameters = inputs.get("parameters") or {}
    named = {
        "name": inputs.get("name", ""),
        "function": parameters.get("functionName", "") if isinstance(parameters, dict) else "",
    }
    derived = {
        "role_arn": f"arn:aws:iam::{ACCOUNT}:role/{inputs.get('role')}",
        "log_group_arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{inputs.get('logGroupName')}",
        "rule_arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{inputs.get('rule')}",
        "bucket_arn": f"arn:aws:s3:::{inputs.get('bucket')}",
    }
    if key == "*" or key.startswith("arn:"):
        return [key.format(**named).replace("/*", "/x") if "{" in key else key]
    if key in derived:
        return [derived[key]]
    found = values.get(key)
    if found is None:
        return []  # an optional property the resource does not set (no role to pass, say)
    assert isinstance(found, str) and found.startswith("arn:"), (resource["name"], key, found)
    return [found]


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_deploying_role_allows_what_every_declared_type_needs(stack):
    policy = _policy()
    result = synth(stack, rotationRestartServices=["cluster/app"])
    missing = []
    for resource in result.resources:
        kind = resource["type"]
        if kind.startswith("programador-musical:") or kind in NO_AWS:
            continue
        assert kind in ACTIONS, f"tests/deploy_actions.py does not say what {kind} needs"
        for key, actions in ACTIONS[kind].items():
            for target in _targets(resource, key):
                for action in actions:
                    if not evaluate([policy], action, target).allowed:
                        missing.append(f"{kind} {resource['name']}: {action} on {target}")
    assert missing == []


def test_the_policy_fits_in_an_iam_managed_policy():
    # IAM counts a managed policy's characters without whitespace: at most 6,144.
    assert len(json.dumps(_policy(), separators=(",", ":"))) <= 6144
