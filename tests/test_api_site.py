"""The API as a new client meets it: its index, its schema, its errors, HEAD."""

import json

import pytest
from openapi_spec_validator import validate

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def no_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    duplicated = {key for key in keys if keys.count(key) > 1}
    assert not duplicated, f"duplicated mapping keys: {duplicated}"
    return dict(pairs)


def test_the_schema_is_valid_openapi_with_each_key_once(client):
    text = client.get("/api/v1/openapi.json").content.decode()
    schema = json.loads(text, object_pairs_hook=no_duplicate_keys)
    validate(schema)
    created = schema["paths"]["/api/v1/drafts"]["post"]["responses"]["201"]
    assert "getDraft" in created["links"]
    assert created["content"]["application/json"]["schema"]


def test_the_api_root_describes_the_api_with_links_to_schema_and_docs(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    links = response.json()["links"]
    assert links["schema"] == "http://testserver/api/v1/openapi.json"
    assert links["docs"] == "http://testserver/api/v1/docs"
    assert client.get(links["articles"]).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/articles", "/api/"])
def test_unknown_api_addresses_answer_the_json_error_shape(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/articles", "/api/v1/"])
def test_head_answers_as_get_without_a_body(client, path):
    make_article()
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]


def test_healthz_answers_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
