"""The harness's port of the config Map against Pulumi's own test tables
(tests/pulumi_cases/config_map.json, from sdk/go/common/resource/config/map_test.go)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from harness.pulumi_cli.config_values import (
    ConfigPathError,
    Value,
    map_get,
    map_remove,
    map_set,
    parse_key,
)

CASES = json.loads((ROOT / "tests" / "pulumi_cases" / "config_map.json").read_text())


def _value(spec: dict) -> Value:
    return Value(spec["text"], secure=spec["secure"], object=spec["object"])


def _map(specs: dict | None) -> dict:
    return {parse_key(key): _value(spec) for key, spec in (specs or {}).items()}


def _ids(name: str) -> list[str]:
    return [f"{i}-{case['key']}" for i, case in enumerate(CASES[name])]


@pytest.mark.parametrize("case", CASES["TestGetSuccess"], ids=_ids("TestGetSuccess"))
def test_get_success(case):
    value, found = map_get(_map(case.get("config")), parse_key(case["key"]), case["path"])
    if case.get("not_found"):
        assert (value, found) == (None, False)
    else:
        assert found and value == _value(case["expected_value"])


@pytest.mark.parametrize("case", CASES["TestGetFail"], ids=_ids("TestGetFail"))
def test_get_fail(case):
    with pytest.raises(ConfigPathError) as caught:
        map_get({}, parse_key(case["key"]), True)
    assert str(caught.value) == case["error"]


@pytest.mark.parametrize("case", CASES["TestSetSuccess"], ids=_ids("TestSetSuccess"))
def test_set_success(case):
    config = _map(case.get("config"))
    map_set(config, parse_key(case["key"]), _value(case["value"]), case["path"])
    assert config == _map(case["expected"])


@pytest.mark.parametrize("case", CASES["TestSetFail"], ids=_ids("TestSetFail"))
def test_set_fail(case):
    with pytest.raises(ConfigPathError) as caught:
        map_set(_map(case.get("config")), parse_key(case["key"]), Value("value"), True)
    assert str(caught.value) == case["error"]


@pytest.mark.parametrize("case", CASES["TestRemoveSuccess"], ids=_ids("TestRemoveSuccess"))
def test_remove_success(case):
    config = _map(case.get("config"))
    map_remove(config, parse_key(case["key"]), case["path"])
    assert config == _map(case["expected"])


@pytest.mark.parametrize("case", CASES["TestRemoveFail"], ids=_ids("TestRemoveFail"))
def test_remove_fail(case):
    with pytest.raises(ConfigPathError) as caught:
        map_remove(_map(case.get("config")), parse_key(case["key"]), True)
    assert str(caught.value) == case["error"]


def test_the_tables_were_transcribed_whole():
    counts = {name: len(CASES[name]) for name in CASES if not name.startswith("_")}
    assert counts == {
        "TestGetSuccess": 22,
        "TestGetFail": 1,
        "TestSetSuccess": 54,
        "TestSetFail": 14,
        "TestRemoveSuccess": 13,
        "TestRemoveFail": 2,
    }
