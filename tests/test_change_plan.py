"""The change plan (`python -m tools.synth --diff`): what `pulumi preview --diff` would classify."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, run_synth, synth

from harness.change_plan import UNKNOWN, format_plan, leaf_changes, plan
from harness.force_new import FORCE_NEW

pytestmark = pytest.mark.heavy(seconds=8)

KEY = os.urandom(32)
BYTES = "random:index/randomBytes:RandomBytes"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
DYNAMIC = "pulumi-python:dynamic:Resource"
PHYSICAL_NAME_INPUTS = ("name", "family", "dashboardName", "bucket")


def _render(**overrides):
    return synth(digest_key=KEY, **overrides).document()


@pytest.fixture(scope="module")
def production_render():
    return _render()


def test_an_unchanged_stack_plans_nothing(production_render):
    result = plan(production_render, _render())
    assert set(result.counts()) == {"same"}
    assert result.outputs == []


def test_a_jwt_rotation_replaces_exactly_the_generator_and_the_app_secrets_value(
    production_render,
):
    result = plan(production_render, _render(rotationJwt="2026-12-01"))
    changed = [
        (s.op, s.resource["type"], s.resource["name"]) for s in result.steps if s.op != "same"
    ]
    # The provider makes secret_string ForceNew (a Secrets Manager version is immutable), so the
    # value is a replaced version, not an updated one.
    # The token is in the keepers of the even generations' keys (the two-slot scheme's), and at
    # generation 0 that is the signing key alone; the new key set starts the redeployment.
    assert changed == [
        ("replace", BYTES, "application-secrets-jwt-key-slot-0"),
        ("replace", VERSION, "application-secrets-app-secrets"),
        ("update", DYNAMIC, "service-restarts-key-set-change"),
    ]
    generator = result.step(BYTES, "application-secrets-jwt-key-slot-0")
    assert generator.replaced_by == ["keepers"]
    assert [(c.path, c.old, c.new) for c in generator.changes] == [
        ("keepers.rotation", "initial", "2026-12-01")
    ]
    value = result.step(VERSION, "application-secrets-app-secrets")
    assert value.replaced_by == ["secretString"]
    assert [(c.path, c.new) for c in value.changes] == [("secretString", UNKNOWN)]
    assert result.outputs == []  # the outputs contract does not move


def test_an_app_rename_replaces_every_named_resource_and_keeps_the_generated_values(
    production_render,
):
    result = plan(production_render, _render(appName="musica-nova"))
    counts = result.counts()
    assert counts["create"] == counts["delete"] == 0
    for step in result.steps:
        inputs = step.resource["inputs"]
        if any(key in inputs for key in PHYSICAL_NAME_INPUTS):
            assert step.op == "replace", step.resource["name"]
    for generator in ("jwt-key-slot-0", "jwt-key-slot-1", "jwt-key-slot-2", "database-password"):
        (step,) = [
            s for s in result.steps if s.resource["name"] == f"application-secrets-{generator}"
        ]
        assert step.op == "same"
    # The engine refuses to delete a protected resource, so the replaced secrets are flagged.
    protected = [s for s in result.steps if s.resource["options"]["protect"]]
    assert {s.op for s in protected} == {"replace", "update"}  # the key keeps its id
    for step in protected:
        flagged = any("refuses to delete" in note for note in step.notes)
        assert flagged == (step.op == "replace"), step.resource["name"]


def test_every_resource_type_the_stacks_declare_has_its_force_new_properties():
    for stack in ("production", "staging"):
        for resource in synth(stack).resources:
            if resource["inputs"]:
                assert resource["type"] in FORCE_NEW, resource["type"]


def test_a_changed_secret_is_shown_masked_and_a_saved_render_cannot_compare_secrets(
    production_render,
):
    saved = synth().document()  # secrets as plain "[secret]", as `--json` writes them
    result = plan(saved, _render(jwtBytes=48))
    generator = result.step(BYTES, "application-secrets-jwt-key-slot-0")
    assert generator.op == "replace" and generator.replaced_by == ["length"]
    value = result.step(VERSION, "application-secrets-app-secrets")
    assert value.op == "replace"  # built from the replaced generator
    text = json.dumps([c.__dict__ for c in value.changes], default=repr)
    assert "[secret" not in text.replace("[secret]", "") and "output<string>" in text


def test_a_resource_declared_under_its_old_name_is_matched_through_its_alias(production_render):
    old = json.loads(json.dumps(production_render))
    for resource in old["resources"]:
        if resource["options"]["aliases"]:
            resource["urn"] = resource["options"]["aliases"][0]
    result = plan(old, production_render)
    assert set(result.counts()) == {"same"}


def test_ignored_and_replace_on_changes_options_are_honoured(production_render):
    new = json.loads(json.dumps(production_render))
    secret = next(r for r in new["resources"] if r["type"] == "aws:secretsmanager/secret:Secret")
    secret["inputs"]["description"] = "changed"
    assert plan(production_render, new).step(secret["type"], secret["name"]).op == "update"
    secret["options"]["replaceOnChanges"] = ["description"]
    assert plan(production_render, new).step(secret["type"], secret["name"]).op == "replace"
    secret["options"]["ignoreChanges"] = ["description"]
    assert plan(production_render, new).step(secret["type"], secret["name"]).op == "same"


def test_json_documents_in_strings_are_compared_by_path():
    old = json.dumps({"Statement": [{"Resource": "a", "Action": "x"}]})
    new = json.dumps({"Statement": [{"Resource": "b", "Action": "x"}]})
    (change,) = leaf_changes("policy", old, new)
    assert (change.path, change.old, change.new) == ("policy.Statement[0].Resource", "a", "b")


def test_the_cli_plans_from_a_git_ref_with_secrets_compared(tmp_path):
    # A clone holds exactly the committed tree, so HEAD and the working tree are the same code.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "tools.synth", "--diff", "HEAD", "--config", "rotationJwt=r2"],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Change plan (production): HEAD (")
    assert "+-random:index/randomBytes:RandomBytes: (replace)" in lines
    assert "      ~ secretString: [secret] => output<string>" in lines
    unchanged = len(synth().resources) - 3
    assert "    +-2 to replace" in lines and "    ~ 1 to update" in lines
    assert f"    3 changes. {unchanged} unchanged" in lines
    assert "saved render" not in done.stdout


def test_a_refused_tree_ends_the_plan_and_the_base_render_it_started(tmp_path):
    """The base renders alongside this tree; when this tree's config is refused, the plan ends
    with the refusal (exit 2) and leaves no exported tree behind (harness/plan_base.py stops the
    base's render first)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = run_synth(
        "--diff", "HEAD", "--config", "appName=Not A Name", env={"TMPDIR": str(scratch)}
    )
    assert done.returncode == 2, done.stderr
    assert "programador-musical:appName = 'Not A Name'" in done.stderr
    assert list(scratch.iterdir()) == []


def test_the_cli_plans_from_a_saved_render_as_json(tmp_path, cli_render):
    saved = tmp_path / "base.json"
    saved.write_text(cli_render("--json").stdout)
    done = run_synth("--diff", str(saved), "--config", "rotationDatabase=r2", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    replaced = {(s["type"], s["name"]) for s in document["steps"]}
    assert (
        "random:index/randomPassword:RandomPassword",
        "application-secrets-database-password",
    ) in (replaced)
    assert all(
        c["new"] in ("output<string>", "[secret]")
        for s in document["steps"]
        for c in s["changes"]
        if s["type"] == VERSION
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--diff", "no-such-ref-or-file"], "neither a saved `synth --json` file nor a commit"),
        (["--diff", "HEAD", "--show-secrets"], "--diff never shows secrets"),
    ],
)
def test_bad_diff_arguments_exit_64_with_one_line(arguments, message):
    done = run_synth(*arguments)
    assert done.returncode == 64
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "not a readable JSON file"), ('{"stack": "x"}', "no resources list")],
)
def test_a_saved_file_that_is_not_a_render_exits_64(tmp_path, content, message):
    saved = tmp_path / "base.json"
    saved.write_text(content)
    done = run_synth("--diff", str(saved))
    assert done.returncode == 64 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_malformed_digest_key_in_the_environment_exits_64():
    done = run_synth("--json", env={"SYNTH_SECRET_DIGEST_KEY": "zz"})
    assert done.returncode == 64 and "must be hexadecimal" in done.stderr


def test_the_plan_text_stays_within_120_columns(production_render):
    text = format_plan(plan(production_render, _render(appName="musica-nova")), "a", "b")
    for line in text.splitlines():
        # Only a single unbreakable value (an ARN) may run past the edge, after a short lead-in.
        longest = max(line.split(), key=len, default="")
        assert len(line) <= 120 or len(line) - len(longest) <= 12, line
