"""Security headers and the production switch: a content security policy on every page (no inline script, no
eval, not framed), a permissions policy and referrer policy; PEYVAND_PRODUCTION makes `peyvand check --deploy`
clean; the API's documentation needs sign-in unless PEYVAND_API_DOCS_PUBLIC opens it."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.leads.models import WebForm

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "peyvand"


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_page_has_a_strict_content_security_policy(client, admin):
    client.force_login(admin)
    response = client.get("/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"  # no inline script, no eval
    assert policy["style-src-elem"] == "style-src-elem 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["base-uri"] == "base-uri 'self'"
    assert policy["form-action"] == "form-action 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in response["Permissions-Policy"]


def test_the_public_lead_form_may_still_be_framed_by_customers_sites(pipeline):
    form = WebForm.objects.create(name="Contact us", fields=["last_name", "phone"], pipeline=pipeline)
    response = Client().get(f"/f/{form.key}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = _policy(response)
    assert policy["frame-ancestors"] == "frame-ancestors *"
    assert policy["script-src"] == "script-src 'self'"
    assert "<style" not in response.content.decode()


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        if "report_pdf" in template.name or template.name.endswith("_pdf.html"):
            continue  # drawn into PDFs on the server, never served to a browser
        text = template.read_text()
        for match in re.finditer(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+\s*=", text
        ):
            offenders.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert offenders == []


def test_api_docs_and_document_need_sign_in(client, rep_a):
    document = Client().get("/api/v1/openapi.json")
    assert document.status_code == 401
    assert document.json()["code"] == "unauthorized"
    page = Client().get("/api/v1/docs")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")

    client.force_login(rep_a)
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Peyvand API"
    assert client.get("/api/v1/docs").status_code == 200
    token = issue_token(user=rep_a)
    assert (
        Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_a_setting_opens_the_api_docs_to_everyone(settings):
    settings.PEYVAND_API_DOCS_PUBLIC = True
    assert Client().get("/api/v1/openapi.json").status_code == 200
    assert Client().get("/api/v1/docs").status_code == 200


def _check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PEYVAND_", "DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"))
    }
    environment |= {"PEYVAND_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "peyvand.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_setting(tmp_path):
    result = _check_deploy(
        tmp_path,
        PEYVAND_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="crm.example.com",
        PEYVAND_BEHIND_PROXY="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_the_production_setting(tmp_path):
    result = _check_deploy(tmp_path, SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="crm.example.com")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_the_production_setting_turns_on_https_hsts_secure_cookies_and_the_proxy_header(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_PROXY_SSL_HEADER, s.SECURE_REDIRECT_EXEMPT)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PEYVAND_", "DJANGO_"))}
    environment |= {
        "PEYVAND_DATA_DIR": str(tmp_path),
        "PEYVAND_PRODUCTION": "yes",
        "PEYVAND_BEHIND_PROXY": "on",
    }
    result = subprocess.run(
        [sys.executable, "-m", "peyvand.cli", "shell", "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "[]",
    ]
