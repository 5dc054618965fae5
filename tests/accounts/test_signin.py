"""Sign-in through the real sign-in page: throttling and lock-out per account and per address, the lock in the
audit trail, and the password policy."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from peyvand.accounts.models import User
from peyvand.core.audit import audit_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


def sign_in(client, username, password, address="203.0.113.9"):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def english_client():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_ten_wrong_passwords_lock_the_account_for_the_configured_time_and_the_lock_is_audited(settings):
    user = UserFactory(username="sara")
    client = english_client()
    for _ in range(9):
        assert sign_in(client, "sara", "wrong-password").status_code == 200
    locked = sign_in(client, "sara", "wrong-password")
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    assert 'name="username"' in locked.content.decode()  # the sign-in page again, not a bare message

    # The right password is refused while locked, from this address and from another one.
    right = sign_in(client, "sara", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert sign_in(english_client(), "sara", PASSWORD, address="198.51.100.7").status_code == 429

    entries = [e for e in audit_for(user) if "sign_in_locked" in e.changes]
    assert len(entries) == 1
    assert entries[0].changes["address"] == [None, "203.0.113.9"]
    assert entries[0].changes["failed_attempts"] == [None, 10]
    assert entries[0].changes["locked_minutes"] == [None, 15]

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        after = sign_in(client, "sara", PASSWORD)
        assert after.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_the_lock_message_says_how_long_in_persian_too(settings):
    UserFactory(username="reza")
    settings.PEYVAND_SIGNIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    client.cookies["django_language"] = "fa"
    for _ in range(2):
        sign_in(client, "reza", "wrong-password")
    locked = client.post("/login/", {"username": "reza", "password": "x"}, REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    assert "قفل" in locked.content.decode() and "۱۵" in locked.content.decode()


def test_an_address_trying_many_accounts_is_locked_for_every_account(settings):
    for n in range(10):
        UserFactory(username=f"user-{n}")
    UserFactory(username="nima")
    client = english_client()
    for n in range(10):
        sign_in(client, f"user-{n}", "wrong-password")
    assert sign_in(client, "nima", PASSWORD).status_code == 429
    # Another address still signs in.
    assert sign_in(english_client(), "nima", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw(settings):
    settings.PEYVAND_BEHIND_PROXY = True
    UserFactory(username="lale")
    client = english_client()
    for n in range(10):
        client.post(
            "/login/",
            {"username": f"nobody-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    # Same proxy, another visitor: not locked.
    other = client.post(
        "/login/",
        {"username": "lale", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other.status_code == 302


def test_an_administrator_unlocks_an_account_from_the_admin(admin):
    user = UserFactory(username="sara")
    client = english_client()
    for _ in range(10):
        sign_in(client, "sara", "wrong-password")
    assert sign_in(client, "sara", PASSWORD).status_code == 429
    operator = Client()
    operator.force_login(admin)
    response = operator.post(
        "/admin/accounts/user/", {"action": "unlock_sign_in", "_selected_action": [user.pk]}, follow=True
    )
    assert response.status_code == 200
    assert sign_in(english_client(), "sara", PASSWORD, address="198.51.100.7").status_code == 302
    assert any(e.changes.get("sign_in_locked") == [True, False] and e.actor == admin for e in audit_for(user))


def test_the_admin_site_signs_in_through_the_throttled_page():
    response = Client().get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890123", "entirely numeric"),
        ("short-pw1", "at least 10 characters"),
        ("password1234", "too common"),
    ],
)
def test_createuser_refuses_numeric_short_and_common_passwords(password, message):
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "newbie", "--role", "sales_rep", "--password", password)
    assert not User.objects.filter(username="newbie").exists()


def test_the_demo_and_test_passwords_pass_the_policy():
    from django.contrib.auth.password_validation import validate_password

    from peyvand.demo.business import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)


def test_the_password_page_refuses_a_numeric_password_and_keeps_the_old_one():
    user = UserFactory(username="sara")
    client = english_client()
    client.force_login(user)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "98765432109876", "new_password2": "98765432109876"},
    )
    assert response.status_code == 400
    assert "entirely numeric" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admins_own_password_change_is_the_security_pages(admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/password_change/")["Location"] == "/account/password/"
