"""The synth reads like `pulumi preview --diff`: declaration order under the stack root, create
markers, readable inputs within the width, tags once per component, options and warnings in
--json, a closing count, and the examples rendered against this stack."""

from __future__ import annotations

import json
import re

from conftest import ROOT, run_synth, synth

from harness.preview import WIDTH
from harness.synth import format_tree
from stack_model import logical_names


def test_components_come_in_the_order_main_declares_them(production):
    top = [r["name"] for r in production.resources if r["parent"] is None]
    main = (ROOT / "__main__.py").read_text()
    declared = [
        getattr(logical_names, constant).name
        for constant in re.findall(r"\b[A-Z]\w+\(\s*([A-Z_]+)\.name", main)
    ]
    assert (
        top
        == declared
        == [
            "application-secrets",
            "database-rotation",
            "ecs-execution-role",
            "log-encryption",
            "application-task",
            "service-restarts",
            "audit-trail",
            "secrets-monitoring",
        ]
    )


def test_children_come_in_the_order_their_component_declares_them(production):
    children = [r["type"] for r in production.resources if r["parent"] == "application-secrets"]
    assert children[:5] == [
        "aws:kms/key:Key",
        "aws:kms/alias:Alias",
        "aws:kms/key:Key",  # the us-west-2 replica's
        "aws:kms/alias:Alias",
        "random:index/randomBytes:RandomBytes",
    ]


def test_the_tree_sits_under_the_stack_root_and_ends_with_the_count(production):
    text = format_tree(production)
    lines = text.splitlines()
    assert lines[2:4] == [
        "+ pulumi:pulumi:Stack: (create)",
        "    [name=programador-musical-production]",
    ]
    assert text.count(": (create)") == len(production.resources) + 1
    assert lines[-2:] == ["Resources:", f"    + {len(production.resources) + 1} to create"]


def test_no_line_is_wider_than_the_limit_but_for_one_unbreakable_value(production):
    for line in format_tree(production).splitlines():
        if len(line) > WIDTH:
            value = line.split(": ", 1)[-1].strip().rstrip(",")
            assert " " not in value, line


def test_json_inputs_are_pretty_printed(production):
    lines = format_tree(production).splitlines()
    start = lines.index("            assumeRolePolicy: {")
    assert lines[start + 1] == '                "Version": "2012-10-17",'


def test_tags_are_shown_once_per_component_unless_they_differ(production):
    text = format_tree(production)
    tags_by_component: dict[str, list] = {}
    for resource in production.resources:
        if resource["parent"] and "tags" in resource["inputs"]:
            tags_by_component.setdefault(resource["parent"], []).append(resource["inputs"]["tags"])
    shared = [c for c, tags in tags_by_component.items() if len(tags) > 1 and tags[0] == tags[1]]
    assert len(shared) >= 3
    assert text.count("tags of every resource below unless shown: {") == len(shared)
    # Each common tag set is printed once, on its component; a lone tagged child shows its own.
    lone = sum(len(tags) == 1 for tags in tags_by_component.values())
    assert text.count('Project    : "programador-musical"') == len(shared) + lone


def test_json_carries_options_and_warnings():
    staging = synth("staging").document()
    assert any("no CloudTrail log group" in warning for warning in staging["warnings"])
    trail = next(r for r in synth().resources if r["type"] == "aws:cloudtrail/trail:Trail")
    assert trail["options"]["dependsOn"] == [
        "audit-trail-bucket-policy",
        "audit-trail-delivery-policy",
    ]
    secret = next(r for r in synth().resources if r["type"] == "aws:secretsmanager/secret:Secret")
    assert secret["options"]["protect"] is True


def test_an_example_renders_with_its_stack_reference_answered_by_this_stack():
    done = run_synth("--program", "examples/database", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    (instance,) = document["resources"]
    # Production rotates with Secrets Manager: RDS keeps the master password itself.
    assert instance["inputs"]["manageMasterUserPassword"] is True
    assert "password" not in instance["inputs"]
    assert document["outputs"]["credentialsSecretArn"].startswith("arn:aws:secretsmanager:")
