"""API tokens: read-only or read-write, an optional expiry, last use shown, managed on the security page and
with `peyvand token`."""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from peyvand.accounts.models import ApiToken
from peyvand.contacts.services import create_contact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def call(method, path, key, data=None):
    kwargs = {"headers": {"Authorization": f"Bearer {key}", "Accept-Language": "en"}}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def browser(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def new_token(client, **values):
    response = client.post("/account/tokens/", {"name": "reports", "scope": "read_only", **values})
    assert response.status_code == 201
    return re.search(r'id="new-key" dir="ltr">(pv_[\w-]+)<', response.content.decode()).group(1)


def test_a_read_only_token_reads_but_every_write_is_refused_with_the_json_shape(rep_a):
    key = new_token(browser(rep_a))
    contact = create_contact(actor=rep_a, values={"last_name": "Rahimi"})
    assert call("get", "/contacts", key).status_code == 200
    for method, path, data in [
        ("post", "/contacts", {"last_name": "New"}),
        ("patch", f"/contacts/{contact.pk}", {"first_name": "Ali", "version": 1}),
        ("delete", f"/contacts/{contact.pk}", None),
    ]:
        response = call(method, path, key, data)
        assert response.status_code == 403, (method, response.content)
        body = response.json()
        assert body["code"] == "token.read_only" and body["detail"] and body["errors"] == []
    contact.refresh_from_db()
    assert contact.first_name == "" and contact.deleted_at is None


def test_a_read_write_token_writes(rep_a):
    key = new_token(browser(rep_a), scope="read_write")
    assert call("post", "/contacts", key, {"last_name": "New"}).status_code == 201


def test_an_expired_token_is_refused_like_an_unknown_one(rep_a):
    key = new_token(browser(rep_a), expires_days="30")
    assert call("get", "/contacts", key).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = call("get", "/contacts", key)
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
        page = browser(rep_a).get("/account/security/").content.decode()
        assert "Expired" in page


def test_the_key_is_shown_once_and_last_use_is_shown(rep_a):
    client = browser(rep_a)
    key = new_token(client)
    page = client.get("/account/security/").content.decode()
    assert key not in page and key[3:9] in page
    assert re.search(r'class="last-used">never<', page)
    call("get", "/contacts", key)
    page = client.get("/account/security/").content.decode()
    assert not re.search(r'class="last-used">never<', page)


def test_last_use_is_written_at_most_once_a_minute(rep_a):
    key = new_token(browser(rep_a))
    token = ApiToken.objects.get(user=rep_a)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        call("get", "/contacts", key)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        call("get", "/contacts", key)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        call("get", "/contacts", key)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=90)


def test_a_token_without_a_name_or_with_a_bad_expiry_is_refused_naming_the_field(rep_a):
    client = browser(rep_a)
    response = client.post("/account/tokens/", {"name": "", "scope": "read_only", "expires_days": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the token a name" in page and "1 to 3650 days" in page
    assert not ApiToken.objects.filter(user=rep_a).exists()


def test_revoking_a_token_refuses_it_and_another_users_token_is_not_found(rep_a, rep_b):
    client = browser(rep_a)
    key = new_token(client)
    token = ApiToken.objects.get(user=rep_a)
    other = ApiToken.issue(rep_b, "theirs")[0]
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert "theirs" not in client.get("/account/security/").content.decode()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert call("get", "/contacts", key).status_code == 401


def test_the_token_command_makes_named_read_only_expiring_tokens(rep_a):
    out = StringIO()
    call_command("token", rep_a.username, "--name", "bi", "--read-only", "--expires-days", "7", stdout=out)
    token = ApiToken.objects.get(user=rep_a, name="bi")
    assert token.read_only and token.expires_at.date() == (timezone.now() + dt.timedelta(days=7)).date()
    key = out.getvalue().strip()
    assert call("post", "/contacts", key, {"last_name": "X"}).status_code == 403
    with pytest.raises(CommandError, match="expires_days"):
        call_command("token", rep_a.username, "--expires-days", "0")


def test_security_page_needs_sign_in():
    for path in ["/account/security/", "/account/password/", "/account/security/two-factor/"]:
        assert Client().get(path)["Location"].startswith("/login/")
    assert Client().post("/account/tokens/", {"name": "x"})["Location"].startswith("/login/")
    assert not ApiToken.objects.exists()


def test_a_user_sees_only_their_own_tokens(rep_a):
    other = UserFactory(username="other")
    ApiToken.issue(other, "their-secret-tool")
    assert "their-secret-tool" not in browser(rep_a).get("/account/security/").content.decode()
