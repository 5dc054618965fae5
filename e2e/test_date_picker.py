"""A calendar on date fields, in Chromium: on a Persian page a Jalali month to pick a day from, on an English page a
Gregorian one; the field keeps what the server reads, typing still works, and the picked day is saved."""

import datetime as dt
import re

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.activities.models import Activity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_due_date_is_picked_from_a_calendar_in_the_users_calendar(browser, live_server, rep_a, language):
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/activities/new/?kind=task")
    page.fill("#id_subject", "Send the contract")
    if language == "fa":
        page.click("#id_due_at")
        calendar = page.locator("jdp-container")
        expect(calendar).to_be_visible()
        page.wait_for_timeout(400)  # it fades in
        fits(page, "date-picker-open-fa")
        calendar.locator(".jdp-day:not(.disabled-day):not(.not-in-month)", has_text="20").first.click()
        calendar.locator(".jdp-btn-close").click()
        expect(page.locator("#id_due_at")).to_have_value(re.compile(r"^14\d\d/\d\d/20 \d\d:\d\d$"))
    else:
        page.click("#id_due_at + .date-pick")
        calendar = page.locator(".flatpickr-calendar.open")
        expect(calendar).to_be_visible()
        fits(page, "date-picker-open-en")
        calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="20").first.click()
        page.keyboard.press("Escape")
        expect(page.locator("#id_due_at")).to_have_value(re.compile(r"^20\d\d-\d\d-20 \d\d:\d\d$"))
    fits(page, f"date-picker-{language}")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)

    due = timezone.localtime(Activity.objects.get(subject="Send the contract").due_at)
    if language == "fa":
        today = jdatetime.date.fromgregorian(date=timezone.localdate())
        picked = jdatetime.date.fromgregorian(date=due.date())
        assert (picked.year, picked.month, picked.day) == (today.year, today.month, 20)
    else:
        today = timezone.localdate()
        assert (due.year, due.month, due.day) == (today.year, today.month, 20)
    page.context.close()


def test_a_date_can_still_be_typed(browser, live_server, rep_a):
    page = signed_in(browser, live_server, rep_a, "fa")
    page.goto("/activities/new/?kind=task")
    page.fill("#id_subject", "Typed")
    page.fill("#id_due_at", "۱۴۰۵/۱۰/۰۱ ۰۹:۳۰")
    page.keyboard.press("Escape")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)
    due = timezone.localtime(Activity.objects.get(subject="Typed").due_at)
    assert due.replace(tzinfo=None) == dt.datetime.combine(
        jdatetime.date(1405, 10, 1).togregorian(), dt.time(9, 30)
    )
