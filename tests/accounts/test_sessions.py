"""Each user's signed-in sessions: listed on their security page, ended one by one or all others, ended by an
administrator, by a new password or by disabling the account; another user's session is not found."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from peyvand.accounts.models import SignedInSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


def signed_in(username, user_agent, address):
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_sessions_are_listed_with_browser_address_and_this_session():
    user = UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    signed_in("sara", PHONE, "198.51.100.7")
    page = laptop.get("/account/security/").content.decode()
    assert "Firefox · Windows" in page and "Chrome · Android" in page
    assert "203.0.113.9" in page and "198.51.100.7" in page
    assert page.count("This session") == 1
    rows = SignedInSession.objects.filter(user=user)
    assert rows.count() == 2
    # Only a hash of the session key is kept.
    assert not rows.filter(key_hash__in=Session.objects.values("session_key")).exists()


def test_ending_a_session_signs_that_browser_out_on_its_next_request():
    user = UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    phone = signed_in("sara", PHONE, "198.51.100.7")
    assert phone.get("/").status_code == 200
    row = SignedInSession.objects.get(user=user, user_agent=PHONE)
    assert laptop.post(f"/account/sessions/{row.pk}/end/").status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_signing_out_all_other_sessions_keeps_this_one():
    UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    others = [signed_in("sara", PHONE, f"198.51.100.{n}") for n in range(3)]
    laptop.post("/account/sessions/end-others/")
    assert all(o.get("/").status_code == 302 for o in others)
    assert laptop.get("/").status_code == 200


def test_another_users_session_cannot_be_seen_or_ended():
    UserFactory(username="sara")
    UserFactory(username="omid")
    sara = signed_in("sara", FIREFOX, "203.0.113.9")
    omid = signed_in("omid", PHONE, "198.51.100.7")
    omids = SignedInSession.objects.get(user__username="omid")
    assert "198.51.100.7" not in sara.get("/account/security/").content.decode()
    assert sara.post(f"/account/sessions/{omids.pk}/end/").status_code == 404
    assert omid.get("/").status_code == 200


def test_a_new_password_signs_out_the_other_sessions_but_not_this_one():
    user = UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    phone = signed_in("sara", PHONE, "198.51.100.7")
    new = "a-new-long-phrase-42"
    response = laptop.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert SignedInSession.objects.filter(user=user).count() == 1
    # Still listed, under its new key, after the minute check.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert laptop.get("/").status_code == 200


def test_disabling_a_user_ends_their_sessions():
    user = UserFactory(username="sara")
    phone = signed_in("sara", PHONE, "198.51.100.7")
    user.is_active = False
    user.save()
    assert not SignedInSession.objects.filter(user=user).exists()
    assert phone.get("/").status_code == 302


def test_an_administrator_signs_a_user_out_everywhere(admin):
    user = UserFactory(username="sara")
    phone = signed_in("sara", PHONE, "198.51.100.7")
    operator = Client()
    operator.force_login(admin)
    operator.post("/admin/accounts/user/", {"action": "sign_out_everywhere", "_selected_action": [user.pk]})
    assert phone.get("/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute():
    user = UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    row = SignedInSession.objects.get(user=user)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(seconds=20)):
        laptop.get("/")
    row.refresh_from_db()
    first = row.last_seen_at
    with time_machine.travel(start + dt.timedelta(minutes=5)):
        laptop.get("/")
    row.refresh_from_db()
    assert row.last_seen_at > first + dt.timedelta(minutes=4)


def test_signing_out_removes_the_session_from_the_list():
    user = UserFactory(username="sara")
    laptop = signed_in("sara", FIREFOX, "203.0.113.9")
    laptop.post("/logout/")
    assert not SignedInSession.objects.filter(user=user).exists()
