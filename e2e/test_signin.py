"""Signing in, in Chromium: two-factor enrolment and sign-in with a code (a wrong code refused), in Persian and
English; ten wrong passwords lock the account for the configured time, and the lock is in the audit trail; the
new pages fit a phone's width."""

import datetime as dt
from base64 import b32decode

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from e2e.conftest import PASSWORD, fits
from peyvand.accounts import twofactor
from peyvand.core.audit import audit_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    plain = secret.replace(" ", "")
    return f"{totp(b32decode(plain + '=' * (-len(plain) % 8)), t0=-30 * steps_ahead):06d}"


def use_language(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def password_step(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_user_enrols_in_two_factor_then_signs_in_with_password_and_code(
    page, live_server, sign_in, language
):
    user = UserFactory(username=f"sara-{language}")
    use_language(page, live_server, language)
    sign_in(user)
    page.goto("/account/security/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    fits(page, f"security-{language}")
    page.click("#two-factor a.button.primary")
    expect(page.locator(".qr svg")).to_be_visible()
    fits(page, f"enrol-{language}")
    secret = page.locator("#secret").inner_text()
    page.fill("#id_code", "123")
    page.click("form.form button.primary")
    expect(page.locator(".form-errors")).to_be_visible()
    page.fill("#id_code", code_for(secret))
    page.click("form.form button.primary")
    expect(page.locator(".codes li")).to_have_count(10)
    fits(page, f"backup-codes-{language}")
    page.click(".backup-codes a.button.primary")
    expect(page.locator("#two-factor .badge.ok")).to_be_visible()
    assert twofactor.has_two_factor(user)

    page.click(".usermenu form[action='/logout/'] button")
    page.wait_for_url("**/login/")
    password_step(page, user.username)
    page.wait_for_url("**/login/code/")
    fits(page, f"code-{language}")
    page.fill("#id_code", "000000")
    page.click("button[type=submit].primary")
    expect(page.locator(".form-errors")).to_be_visible()
    assert "/login/code/" in page.url
    page.fill("#id_code", code_for(secret, steps_ahead=1))
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)
    expect(page.locator(".usermenu .who")).to_contain_text(user.username)


def test_ten_wrong_passwords_lock_the_account_for_the_configured_time_and_the_lock_is_audited(
    page, live_server
):
    user = UserFactory(username="reza")
    use_language(page, live_server, "en")
    for _ in range(9):
        password_step(page, "reza", "not-the-password")
        expect(page.locator(".form-errors")).to_be_visible()
    password_step(page, "reza", "not-the-password")
    expect(page.locator("#locked")).to_contain_text("locked for 15 minutes")
    fits(page, "locked-en")
    password_step(page, "reza")
    expect(page.locator("#locked")).to_be_visible()
    assert "/login/" in page.url

    lock = next(e for e in audit_for(user) if "sign_in_locked" in e.changes)
    assert lock.changes["failed_attempts"] == [None, 10] and lock.changes["address"] == [None, "127.0.0.1"]

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        password_step(page, "reza")
        page.wait_for_url(lambda url: "/login/" not in url)
        expect(page.locator(".usermenu .who")).to_contain_text("reza")


def test_the_locked_page_in_persian_says_how_long(page, live_server):
    UserFactory(username="nima")
    use_language(page, live_server, "fa")
    for _ in range(10):
        password_step(page, "nima", "not-the-password")
    expect(page.locator("#locked")).to_contain_text("۱۵ دقیقه")
    fits(page, "locked-fa")
