"""Every error under /api/ is the API's JSON ``{"detail", "code", "errors"}`` with a stable code, whoever gives
it: Django (a body over the upload limit, a bad Host header, a method the address does not take, a crash), the
server (an over-long query through ``peyvand serve``), or a service (each 409 as the OpenAPI document says).
Pages outside /api/ keep Django's own error pages."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import jsonschema_rs
import pytest
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.api import api
from peyvand.leads.models import ScoringModel, ScoringRule
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}, body
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    assert body["errors"] == [] or all(set(e) >= {"field", "message"} for e in body["errors"])
    return body


def assert_documented(method: str, path: str, response) -> None:
    """The answer fits the schema the OpenAPI document gives this operation for its status."""
    document = json.loads(json.dumps(api.get_openapi_schema()))  # status keys as the served document has them
    answers = document["paths"][path][method]["responses"]
    assert str(response.status_code) in answers, (path, method, response.status_code, list(answers))
    schema = answers[str(response.status_code)]["content"]["application/json"]["schema"]
    jsonschema_rs.validate({**schema, "components": document["components"]}, response.json())


@pytest.fixture
def bearer(admin):
    return {"Authorization": f"Bearer {issue_token(user=admin)}", "Accept-Language": "en"}


def test_a_body_over_the_upload_limit_is_a_json_413(bearer, settings):
    body = json.dumps({"last_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = Client().post("/api/v1/contacts", body, content_type="application/json", headers=bearer)
    assert_api_error(response, 413, "request.too_large")


def test_a_method_the_address_does_not_take_is_a_json_405_naming_the_allowed_ones(bearer):
    response = Client().put("/api/v1/contacts", "{}", content_type="application/json", headers=bearer)
    assert_api_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_request_for_a_host_not_served_is_a_json_400(bearer):
    response = Client().get("/api/v1/contacts", headers={**bearer, "Host": "evil.example"})
    assert_api_error(response, 400, "bad_request")


def test_an_over_long_query_is_a_json_414_under_the_api(bearer):
    response = Client().get("/api/v1/contacts", {"search": "x" * 10_000}, headers=bearer)
    assert_api_error(response, 414, "request.uri_too_long")


def test_pages_outside_the_api_keep_djangos_error_pages(client, admin):
    client.force_login(admin)
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.core.crash_urls")
def test_a_crash_under_the_api_is_a_json_500_without_the_traceback(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/api/v1/crash")
    body = assert_api_error(response, 500, "server_error")
    assert "RuntimeError" not in json.dumps(body)


@pytest.mark.urls("tests.core.crash_urls")
def test_a_crash_inside_an_api_operation_is_a_json_500(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/api/v1/crash-in-operation")
    assert_api_error(response, 500, "server_error")


# --- the three 409s a service gives, each in the shape the document gives it ---------------------------------


def test_deleting_a_pipeline_with_deals_is_a_documented_409(admin, pipeline, api_for):
    create_deal(actor=admin, values={"title": "ERP"})
    response = api_for(admin).delete(f"/pipelines/{pipeline.pk}")
    assert_api_error(response, 409, "pipeline.has_deals")
    assert_documented("delete", "/api/v1/pipelines/{pk}", response)


def test_converting_a_converted_lead_is_a_documented_409(admin, pipeline, api_for):
    lead = create_lead(actor=admin, values={"last_name": "احمدی"})
    client = api_for(admin)
    first = client.post(f"/leads/{lead.pk}/convert", {"version": lead.version})
    response = client.post(f"/leads/{lead.pk}/convert", {"version": first.json()["lead"]["version"]})
    assert_api_error(response, 409, "lead.already_converted")
    assert_documented("post", "/api/v1/leads/{pk}/convert", response)


def test_accepting_a_scoring_rule_without_a_suggestion_is_a_documented_409(admin, api_for):
    model = ScoringModel.objects.create(name="Default", threshold=50, warm_from=30, hot_from=60)
    rule = ScoringRule.objects.create(
        model=model, label="Website", field="source", condition="equals", value="website", points=10
    )
    response = api_for(admin).post(f"/scoring-models/{model.pk}/rules/{rule.pk}/accept")
    assert_api_error(response, 409, "scoring.no_suggestion")
    assert_documented("post", "/api/v1/scoring-models/{pk}/rules/{rule_id}/accept", response)


def test_a_stale_version_is_still_documented_with_the_current_version(admin, pipeline, api_for):
    lead = create_lead(actor=admin, values={"last_name": "احمدی"})
    response = api_for(admin).patch(f"/leads/{lead.pk}", {"version": lead.version - 1, "last_name": "x"})
    body = assert_api_error(response, 409, "stale_version")
    assert body["current_version"] == lead.version
    assert_documented("patch", "/api/v1/leads/{pk}", response)


# --- the server: `peyvand serve` lets an over-long request line reach Django --------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_peyvand_serve_answers_an_over_long_query_with_the_apis_json_414(tmp_path):
    port = _free_port()
    env = {**os.environ, "PEYVAND_DATA_DIR": str(tmp_path), "PEYVAND_WORKERS": "1"}
    env.pop("DATABASE_URL", None)  # the refusal comes before any database is read
    server = subprocess.Popen(
        [sys.executable, "-m", "peyvand.cli", "serve", "--port", str(port), "--no-collectstatic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/contacts?search={'x' * 10_240}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError as answer:
                status, headers, body = answer.code, answer.headers, answer.read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "peyvand serve did not start"
                time.sleep(0.3)
        assert status == 414, body[:300]
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["code"] == "request.uri_too_long"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_every_operation_documents_the_errors_any_request_may_get():
    document = json.loads(json.dumps(api.get_openapi_schema()))
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"400", "413", "414", "422"} | ({"401"} if operation.get("security") else set())
            if expected - set(operation["responses"]):
                missing.append(f"{method.upper()} {path}: {sorted(expected - set(operation['responses']))}")
    assert missing == []
