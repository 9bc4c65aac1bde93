"""Grants that cannot be forgotten: one way to let a principal read the secrets (`grant_read`, for
the execution role and the rotation function alike), and a resource policy that holds every
grant of the program whatever the order it came in, or refuses a grant too late to be in it."""

from __future__ import annotations

import json

import pytest

from tests.support.component_program import DEMO_SECRETS, run_program

PROGRAM = (
    DEMO_SECRETS
    + """
from components.secret_access import InlinePolicyReader, TemplateHeldReader

secrets = demo_secrets(administrator_role_arn="arn:aws:iam::123456789012:role/admin")
worker = aws.iam.Role("worker", name="demo-worker", assume_role_policy="{}")
grants = {
    "worker": lambda: secrets.access.grant_read(InlinePolicyReader(worker, "demo-worker-read")),
    "function": lambda: secrets.access.grant_read(
        TemplateHeldReader("arn:aws:iam::123456789012:role/serverlessrepo-demo-rotation")
    ),
}
"""
)


def _exempted(result) -> dict[str, list[str]]:
    """Per secret policy, the principals its deny lets through."""
    found = {}
    for policy in result.resources_of("aws:secretsmanager/secretPolicy:SecretPolicy"):
        (deny,) = [
            s for s in json.loads(policy["inputs"]["policy"])["Statement"] if s["Effect"] == "Deny"
        ]
        found[policy["name"]] = deny["Condition"]["StringNotEquals"]["aws:PrincipalArn"]
    return found


def test_both_orders_give_the_same_resource_policy_with_every_grant():
    forward = run_program(PROGRAM + "grants['worker']()\ngrants['function']()\n")
    backward = run_program(PROGRAM + "grants['function']()\ngrants['worker']()\n")
    assert _exempted(forward) == _exempted(backward)
    (principals,) = {tuple(p) for p in _exempted(forward).values()}
    worker_arn = forward.resource("aws:iam/role:Role", "worker")
    assert len(principals) == 3 and "arn:aws:iam::123456789012:role/admin" in principals
    assert "arn:aws:iam::123456789012:role/serverlessrepo-demo-rotation" in principals
    # The inline policy is the worker's; the function's role holds its own (its template's).
    (policy,) = forward.resources_of("aws:iam/rolePolicy:RolePolicy")
    assert policy["inputs"]["role"] == "demo-worker" and worker_arn


def test_a_grant_declared_after_everything_else_is_still_in_the_policy():
    late = run_program(
        PROGRAM + "grants['worker']()\nother = aws.sns.Topic('t')\ngrants['function']()\n"
    )
    for principals in _exempted(late).values():
        assert "arn:aws:iam::123456789012:role/serverlessrepo-demo-rotation" in principals


def test_a_grant_too_late_for_the_policy_raises_instead_of_being_left_out():
    program = PROGRAM + (
        "grants['worker']()\npulumi.Output.from_input(1).apply(lambda _: grants['function']())\n"
    )
    with pytest.raises(Exception, match="after the secrets' resource policy was computed"):
        run_program(program)
