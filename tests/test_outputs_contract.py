"""The outputs other stacks consume are declared once (outputs_contract.py); the synthesized
stack and docs/outputs.md must say exactly the same."""

from __future__ import annotations

import pytest
from conftest import ROOT, synth

from outputs_contract import CONTRACT, export_outputs

TYPE_CHECKS = {
    "string": lambda value: isinstance(value, str),
    "string or null": lambda value: value is None or isinstance(value, str),
    "list of strings": lambda value: (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ),
    "list of `{name, valueFrom}`": lambda value: (
        isinstance(value, list) and all(set(v) == {"name", "valueFrom"} for v in value)
    ),
    "map of region to `{appSecretsArn, dbCredentialsArn}`": lambda value: (
        isinstance(value, dict)
        and all(set(v) == {"appSecretsArn", "dbCredentialsArn"} for v in value.values())
    ),
    "map of region to list of `{name, valueFrom}`": lambda value: (
        isinstance(value, dict)
        and bool(value)
        and all(
            isinstance(v, list) and all(set(e) == {"name", "valueFrom"} for e in v)
            for v in value.values()
        )
    ),
}


def test_exports_are_exactly_the_contract(production):
    assert list(production.outputs) == [output.name for output in CONTRACT]


def test_secret_marking_matches_the_contract(production):
    assert production.secret_outputs == {o.name for o in CONTRACT if o.secret}


@pytest.mark.parametrize("kms", ["true", "false"])
@pytest.mark.parametrize("managed", ["true", "false"])
def test_every_output_has_its_declared_type(kms, managed):
    result = synth(show_secrets=True, kmsCustomerManagedKey=kms, rotationManaged=managed)
    for output in CONTRACT:
        assert TYPE_CHECKS[output.type](result.outputs[output.name]), output.name


def test_the_outputs_doc_holds_the_table_generated_from_the_contract():
    from tools import docs_tables

    document = (ROOT / "docs" / "outputs.md").read_text()
    assert "outputs-table" in docs_tables.blocks_in(document)
    assert document == docs_tables.rendered(document)
    for output in CONTRACT:
        assert f"| `{output.name}` | {output.type} |" in document


def test_export_outside_the_contract_is_refused():
    values = {output.name: "x" for output in CONTRACT}
    with pytest.raises(ValueError, match=r"undeclared \['extra'\]"):
        export_outputs({**values, "extra": "x"})
    del values["databasePassword"]
    with pytest.raises(ValueError, match=r"missing \['databasePassword'\]"):
        export_outputs(values)


@pytest.mark.parametrize("managed", ["true", "false"])
def test_generated_values_are_only_in_secret_outputs(managed):
    revealed = synth(show_secrets=True, rotationManaged=managed)
    app = next(
        r
        for r in revealed.resources
        if r["type"] == "aws:secretsmanager/secretVersion:SecretVersion"
        and r["name"].endswith("app-secrets")
    )
    import json

    values = json.loads(app["inputs"]["secretString"])
    plain = json.dumps(
        {k: v for k, v in revealed.outputs.items() if k not in revealed.secret_outputs}
    )
    db = next(
        r
        for r in revealed.resources
        if r["type"] == "aws:secretsmanager/secretVersion:SecretVersion"
        and r["name"].endswith("db-credentials")
    )
    values |= json.loads(db["inputs"]["secretString"])
    for key in ("jwt_secret_key", "jwt_secret_key_previous", "password"):
        assert values[key] not in plain
