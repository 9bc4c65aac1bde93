"""Property-based checks of the generated credentials (hypothesis)."""

from __future__ import annotations

import base64
import string
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.mock_cloud import mock_password
from stack_model.secret_shapes import (
    PASSWORD_SPECIAL_CHARACTERS,
    RDS_FORBIDDEN_PASSWORD_CHARACTERS,
    database_url,
)

pytestmark = pytest.mark.heavy(seconds=5)

GENERATOR_ALPHABET = (
    string.ascii_lowercase + string.ascii_uppercase + string.digits + PASSWORD_SPECIAL_CHARACTERS
)
passwords = st.text(alphabet=GENERATOR_ALPHABET, min_size=16, max_size=128)
identifiers = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_]{0,62}\Z")


@given(passwords)
def test_rds_accepts_every_character_the_generator_can_produce(password):
    assert not set(password) & RDS_FORBIDDEN_PASSWORD_CHARACTERS
    assert all(32 < ord(c) < 127 for c in password)  # printable ASCII, no space


@given(passwords, identifiers, identifiers, st.integers(1, 65535))
def test_database_url_round_trips_any_password(password, username, dbname, port):
    url = urlsplit(database_url(username, password, "db.example.com", port, dbname))
    assert url.scheme == "postgresql"
    assert unquote(url.password) == password
    assert unquote(url.username) == username
    assert url.hostname == "db.example.com"
    assert url.port == port
    assert unquote(url.path) == f"/{dbname}"


@given(st.integers(16, 128), st.text(min_size=1, max_size=20))
def test_mock_generator_honours_length_and_classes(length, token):
    inputs = {
        "length": length,
        "special": True,
        "overrideSpecial": PASSWORD_SPECIAL_CHARACTERS,
        "minLower": 1,
        "minUpper": 1,
        "minNumeric": 1,
        "minSpecial": 1,
        "keepers": {"rotation": token},
    }
    password = mock_password("p", inputs)
    assert len(password) == length
    assert set(password) <= set(GENERATOR_ALPHABET)
    for alphabet in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(password) & set(alphabet)
    assert set(password) & set(PASSWORD_SPECIAL_CHARACTERS)


@settings(deadline=None, max_examples=20)
@given(st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=40))
def test_jwt_key_decodes_to_the_declared_size_for_any_rotation_token(token):
    from conftest import secret_json, synth

    from settings.declarations import declared

    result = synth(show_secrets=True, rotationJwt=token)
    key = secret_json(result, "programador-musical-production-app-secrets")["jwt_secret_key"]
    assert len(base64.b64decode(key, validate=True)) == declared("jwtBytes").default
