"""The docs hold no second copy of what the code declares, and every link leads somewhere."""

from __future__ import annotations

import re

from conftest import ROOT, synth

from stack_model.alarms import ALARMS, RUNBOOK
from tools import docs_tables

DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_every_generated_table_is_fresh_and_every_generator_is_used():
    used = []
    for path in DOCS:
        text = path.read_text()
        assert text == docs_tables.rendered(text), f"{path.name}: run tools.docs_tables --write"
        used += docs_tables.blocks_in(text)
    assert sorted(used) == sorted(docs_tables.GENERATORS)


def test_the_check_mode_names_a_stale_file_and_fails(tmp_path, monkeypatch, capsys):
    (tmp_path / "x.md").write_text(
        "<!-- generated: cli-exit-codes (python -m tools.docs_tables --write) -->\n"
        "| stale |\n<!-- end: cli-exit-codes -->\n"
    )
    monkeypatch.setattr(docs_tables, "DOCS", tmp_path)
    assert docs_tables.main(["--check"]) == 1
    assert "docs/x.md is stale" in capsys.readouterr().err
    assert docs_tables.main(["--write"]) == 0
    assert docs_tables.main(["--check"]) == 0


def test_the_readme_is_short_and_links_every_doc():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 60
    assert "make synth" in readme and "make test" in readme
    linked = set(re.findall(r"\]\((docs/[a-z-]+\.md)\)", readme))
    assert linked == {f"docs/{path.name}" for path in DOCS}


def _anchors(path) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation but '-' dropped,
    spaces as '-'."""
    headings = re.findall(r"(?m)^#+ (.+)$", path.read_text())
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_relative_links_in_the_docs_resolve_to_a_file_and_a_heading():
    for path in [ROOT / "README.md", *DOCS]:
        for target, anchor in re.findall(r"\]\(([^)#:]*)(?:#([^)]*))?\)", path.read_text()):
            linked = path.parent / target if target else path
            assert linked.exists(), f"{path.name}: {target}"
            if anchor:
                assert anchor in _anchors(linked), f"{path.name}: {target}#{anchor}"


def test_the_anchor_check_follows_githubs_rule(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("# Top\n### How the container gets them (and why `one` variable)\n")
    assert _anchors(doc) == {"top", "how-the-container-gets-them-and-why-one-variable"}


def test_each_alarm_links_to_its_own_section_of_the_monitoring_doc(production):
    monitoring = (ROOT / RUNBOOK).read_text()
    headings = set(re.findall(r"(?m)^### ([a-z-]+)$", monitoring))
    assert headings == {alarm.signal for alarm in ALARMS}
    descriptions = [
        r["inputs"]["alarmDescription"]
        for r in production.resources
        if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
    ]
    for alarm in ALARMS:
        linked = [d for d in descriptions if d.endswith(f"{RUNBOOK}#{alarm.signal}")]
        assert linked  # one per region the alarm is declared in
        for check in alarm.checks:
            assert check in monitoring and all(check in d for d in linked)


def test_staging_without_a_trail_keeps_the_alarm_that_needs_none():
    staging = synth("staging")
    names = {
        r["inputs"]["name"] for r in staging.resources_of("aws:cloudwatch/metricAlarm:MetricAlarm")
    }
    expected = {
        f"programador-musical-staging-secrets-{a.signal}"
        for a in ALARMS
        if not a.needs_trail and not a.needs_managed_rotation
    }
    assert names == expected
