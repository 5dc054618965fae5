"""Two-factor sign-in through the real pages: enrolment on the security page, the code step after the password,
backup codes, wrong codes counted by the throttle, required for administrators by setting, reset by an
administrator."""

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp

from peyvand.accounts import twofactor
from peyvand.core.audit import audit_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, t0=-30 * steps_ahead):06d}" if steps_ahead else f"{totp(key):06d}"


def english_client(user=None):
    client = Client()
    client.cookies["django_language"] = "en"
    if user:
        client.force_login(user)
    return client


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/security/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = re.search(r'id="secret" dir="ltr">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    done = client.post("/account/security/two-factor/", {"code": code_for(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return secret, codes


def password_step(client, username, address="203.0.113.9"):
    return client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def test_enrolled_user_signs_in_with_password_then_code_and_a_wrong_code_is_refused():
    user = UserFactory(username="sara")
    secret, codes = enrol(english_client(user))
    assert twofactor.has_two_factor(user) and len(codes) == 10
    assert any(e.changes.get("two_factor") == [False, True] for e in audit_for(user))

    client = english_client()
    step = password_step(client, "sara")
    assert step.status_code == 302 and step["Location"] == "/login/code/"
    # The password alone did not sign in: pages still ask for sign-in.
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302

    wrong = client.post("/login/code/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9")
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post("/login/code/", {"code": code_for(secret, steps_ahead=1)}, REMOTE_ADDR="203.0.113.9")
    assert right.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 200


def test_a_backup_code_signs_in_once():
    user = UserFactory(username="sara")
    _, codes = enrol(english_client(user))
    client = english_client()
    password_step(client, "sara")
    assert client.post("/login/code/", {"code": codes[0].upper()}).status_code == 302
    again = english_client()
    password_step(again, "sara")
    assert again.post("/login/code/", {"code": codes[0]}).status_code == 400
    assert twofactor.backup_codes_left(user) == 9


def test_wrong_codes_count_toward_the_lock():
    user = UserFactory(username="sara")
    secret, _ = enrol(english_client(user))
    client = english_client()
    password_step(client, "sara")
    for _ in range(9):
        assert client.post("/login/code/", {"code": "000000"}).status_code == 400
    locked = client.post("/login/code/", {"code": "000000"})
    assert locked.status_code == 429 and "locked" in locked.content.decode()
    # Locked: even the right password and code are refused now.
    assert password_step(english_client(), "sara", address="198.51.100.7").status_code == 429


def test_the_code_step_without_a_password_goes_back_to_sign_in():
    assert Client().post("/login/code/", {"code": "123456"})["Location"] == "/login/"


def test_a_wrong_code_does_not_turn_on_two_factor():
    user = UserFactory(username="sara")
    client = english_client(user)
    client.get("/account/security/two-factor/")
    response = client.post("/account/security/two-factor/", {"code": "12"})
    assert response.status_code == 400 and "not right" in response.content.decode()
    assert not twofactor.has_two_factor(user)


def test_when_required_an_administrator_enrols_after_the_password_before_anything_else(settings, admin):
    settings.PEYVAND_2FA_REQUIRED_FOR_ADMINS = True
    client = english_client()
    step = password_step(client, admin.username)
    assert step["Location"] == "/login/enrol/"
    assert "_auth_user_id" not in client.session and client.get("/deals/").status_code == 302
    page = client.get("/login/enrol/")
    secret = re.search(r'id="secret" dir="ltr">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    done = client.post("/login/enrol/", {"code": code_for(secret)})
    assert done.status_code == 200 and "Backup codes" in done.content.decode()
    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get("/deals/").status_code == 200


def test_when_required_an_administrator_already_signed_in_can_only_enrol(settings, admin, rep_a):
    settings.PEYVAND_2FA_REQUIRED_FOR_ADMINS = True
    client = english_client(admin)
    assert client.get("/deals/")["Location"] == "/account/security/two-factor/"
    assert client.get("/api/v1/deals").json()["code"] == "two_factor.required"
    assert client.get("/account/security/two-factor/").status_code == 200
    # Not required of others.
    assert english_client(rep_a).get("/deals/").status_code == 200


def test_an_administrator_resets_a_users_two_factor_and_their_sessions_end(admin):
    user = UserFactory(username="sara")
    users_browser = english_client(user)
    enrol(users_browser)
    operator = english_client(admin)
    operator.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert not twofactor.has_two_factor(user)
    assert users_browser.get("/").status_code == 302
    assert any(e.changes.get("two_factor") == [True, False] and e.actor == admin for e in audit_for(user))
    # The password alone signs in again.
    assert password_step(english_client(), "sara")["Location"] == "/"


def test_the_user_turns_two_factor_off_with_their_password():
    user = UserFactory(username="sara")
    client = english_client(user)
    enrol(client)
    client.post("/account/security/two-factor/off/", {"password": "wrong"})
    assert twofactor.has_two_factor(user)
    client.post("/account/security/two-factor/off/", {"password": PASSWORD})
    assert not twofactor.has_two_factor(user)


def test_bearer_tokens_are_not_affected_by_two_factor(api_for):
    user = UserFactory(username="sara")
    enrol(english_client(user))
    assert api_for(user).get("/contacts").status_code == 200


def test_codes_are_accepted_with_spaces_and_persian_digits():
    user = UserFactory(username="sara")
    secret, _ = enrol(english_client(user))
    client = english_client()
    password_step(client, "sara")
    code = code_for(secret, steps_ahead=1)
    persian = code[:3].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) + " " + code[3:]
    time.sleep(0)
    assert client.post("/login/code/", {"code": persian}).status_code == 302
