"""The operations CLI's loader of botocore models: the same answers as botocore's own loader,
without listing every service folder to create a client."""

from __future__ import annotations

import json
import os

import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from manage_secrets.aws import Aws
from manage_secrets.service_models import OnDemandLoader, use_on_demand_loader

TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")


def _session(monkeypatch, data_path: str | None = None):
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    if data_path:
        monkeypatch.setenv("AWS_DATA_PATH", data_path)
    session = botocore.session.get_session()
    use_on_demand_loader(session)
    return session


@pytest.mark.parametrize("type_name", TYPES)
def test_every_folder_is_a_service_exactly_when_botocores_listing_says_so(monkeypatch, type_name):
    loader = _session(monkeypatch).get_component("data_loader")
    listed = Loader.list_available_services(loader, type_name)
    folders = {
        name for path in loader.search_paths if os.path.isdir(path) for name in os.listdir(path)
    }
    asked = loader.list_available_services(type_name)
    assert {name for name in folders | {"", "no-such-service"} if name in asked} == set(listed)
    assert list(asked) == listed


def test_a_model_on_the_users_data_path_is_found(monkeypatch, tmp_path):
    model = tmp_path / "programador-test" / "2026-01-01" / "service-2.json"
    model.parent.mkdir(parents=True)
    model.write_text(json.dumps({"metadata": {"apiVersion": "2026-01-01"}, "shapes": {}}))
    loader = _session(monkeypatch, str(tmp_path)).get_component("data_loader")
    assert isinstance(loader, OnDemandLoader)
    assert "programador-test" in loader.list_available_services("service-2")
    assert "programador-test" not in loader.list_available_services("paginators-1")
    assert loader.load_service_model("programador-test", "service-2")["shapes"] == {}


def test_an_unknown_service_is_refused_with_the_known_ones(monkeypatch):
    session = _session(monkeypatch)
    with pytest.raises(UnknownServiceError) as caught:
        session.create_client("secretsmanagr", region_name="us-east-1")
    assert "secretsmanager" in str(caught.value)


def test_the_cli_creates_a_client_without_listing_every_service(monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(path) or real_listdir(path))
    aws = Aws("us-east-1")
    aws.client("secretsmanager").get_paginator("list_secrets")
    # One folder per kind of file read (the model, its endpoint rules, its paginators), where
    # botocore's own listing reads every service's folder (about 420) for each.
    assert 0 < len(listed) <= 6, listed
