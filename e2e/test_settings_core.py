"""Core's settings pages in Chromium: an administrator makes Thursday a half day, adds a holiday with the date
picker (a Jalali month on the Persian page), and adds a custom field to contacts that then shows on the contact
form. In Persian and English, at 1440 px and 390 px."""

import re

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.core.models import CustomField, DayShare, Holiday, WorkingWeek

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_administrator_sets_a_half_day_thursday_and_adds_a_holiday_from_the_calendar(
    browser, live_server, admin, language
):
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/")
    page.click('[data-section="working-days"] a')
    page.wait_for_url(lambda url: "/settings/working-days/" in url)
    expect(page.locator("#working-week select")).to_have_count(7)
    fits(page, f"settings-working-days-{language}")

    page.select_option("#day-thursday", DayShare.HALF)
    page.click("#working-week button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    assert WorkingWeek.objects.get().thursday == DayShare.HALF
    expect(page.locator("#day-thursday")).to_have_value(DayShare.HALF)

    page.fill("#id_name", "Company day" if language == "en" else "روز شرکت")
    if language == "fa":
        page.click("#id_date")
        calendar = page.locator("jdp-container")
        expect(calendar).to_be_visible()
        page.wait_for_timeout(400)  # it fades in
        fits(page, "settings-holiday-picker-fa")
        calendar.locator(".jdp-day:not(.disabled-day):not(.not-in-month)", has_text="20").first.click()
        # a date alone: the calendar closes on the day picked
        expect(page.locator("#id_date")).to_have_value(re.compile(r"^14\d\d/\d\d/20$"))
    else:
        page.click("#id_date + .date-pick")
        calendar = page.locator(".flatpickr-calendar.open")
        expect(calendar).to_be_visible()
        fits(page, "settings-holiday-picker-en")
        calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="20").first.click()
        page.keyboard.press("Escape")
        expect(page.locator("#id_date")).to_have_value(re.compile(r"^20\d\d-\d\d-20$"))
    page.select_option("#id_share", DayShare.HALF)
    page.click("#add-holiday button[type=submit]")

    holiday = Holiday.objects.get()
    today = timezone.localdate()
    if language == "fa":
        now, picked = (
            jdatetime.date.fromgregorian(date=today),
            jdatetime.date.fromgregorian(date=holiday.date),
        )
        assert (picked.year, picked.month, picked.day) == (now.year, now.month, 20)
        shown = f"{picked.year}/{picked.month:02d}/20".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    else:
        assert (holiday.date.year, holiday.date.month, holiday.date.day) == (today.year, today.month, 20)
        shown = holiday.date.isoformat()
    assert holiday.share == DayShare.HALF
    row = page.locator(f'#holiday-list tr[data-holiday="{holiday.pk}"]')
    expect(row).to_contain_text(shown)
    fits(page, f"settings-holidays-{language}")

    page.locator("#holidays .official-holidays button").click()
    expect(page.locator("#holiday-list tbody tr")).not_to_have_count(1)
    assert Holiday.objects.count() > 1

    row.locator("a.button").click()
    page.wait_for_url(lambda url: f"/holidays/{holiday.pk}/" in url)
    fits(page, f"settings-holiday-form-{language}")
    page.fill("#id_name", "Renamed day")
    page.click(".holiday-form button[type=submit].primary")
    expect(page.locator(f'#holiday-list tr[data-holiday="{holiday.pk}"]')).to_contain_text("Renamed day")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'#holiday-list tr[data-holiday="{holiday.pk}"] form button').click()
    expect(page.locator(f'#holiday-list tr[data-holiday="{holiday.pk}"]')).to_have_count(0)
    assert not Holiday.objects.filter(pk=holiday.pk).exists()

    # the year selector: next year's list is its own (the official holidays were added to this year only)
    year = jdatetime.date.fromgregorian(date=today).year if language == "fa" else today.year
    page.select_option("#holiday-year", str(year + 1))
    page.click(".year-pick button[type=submit]")
    page.wait_for_url(lambda url: f"year={year + 1}" in url)
    expect(page.locator("#holiday-list tbody tr[data-holiday]")).to_have_count(0)
    expect(page.locator("#holidays h2")).to_contain_text(
        str(year + 1)
        if language == "en"
        else str(year + 1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    )
    page.context.close()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_administrator_adds_a_custom_field_to_contacts_and_sees_it_on_the_contact_form(
    browser, live_server, admin, language
):
    page = signed_in(browser, live_server, admin, language)
    page.goto("/settings/")
    page.click('[data-section="custom-fields"] a')
    page.wait_for_url(lambda url: "/settings/custom-fields/" in url)
    page.click('.entity-tabs a[data-entity="contact"]')
    expect(page.locator('.entity-tabs a[data-entity="contact"][aria-current="page"]')).to_be_visible()
    fits(page, f"settings-custom-fields-empty-{language}")

    label = "Branch" if language == "en" else "شعبه"
    page.fill("#cf-label", label)
    page.fill("#cf-key", "branch")
    page.select_option("#cf-type", "choice")
    page.click("#add-custom-field button[type=submit]")  # no choices: refused, naming the field
    expect(page.locator("#add-custom-field .has-error #cf-choices")).to_be_visible()
    assert not CustomField.objects.exists()
    fits(page, f"settings-custom-field-refused-{language}")

    page.fill("#cf-choices", "Tehran\nShiraz")
    page.click("#add-custom-field button[type=submit]")
    expect(page.locator('#custom-fields tr[data-field="branch"]')).to_contain_text(label)
    field = CustomField.objects.get()
    assert (field.entity, field.key, field.choices) == ("contact", "branch", ["Tehran", "Shiraz"])
    fits(page, f"settings-custom-fields-{language}")

    page.goto("/contacts/new/")
    expect(page.locator("#id_cf_branch")).to_be_visible()
    expect(page.locator("label[for=id_cf_branch]")).to_have_text(label)
    page.fill("#id_last_name", "Karimi")
    page.select_option("#id_cf_branch", "Shiraz")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)

    page.goto(f"/settings/custom-fields/{field.pk}/")  # a record holds a value now: the type stays
    page.select_option("#cf-type", "text")
    page.click(".custom-field-form button[type=submit].primary")
    expect(page.locator(".custom-field-form .field-error")).to_be_visible()
    fits(page, f"settings-custom-field-type-refused-{language}")
    assert CustomField.objects.get().field_type == "choice"

    page.goto(f"/settings/custom-fields/{field.pk}/delete/")
    expect(page.locator("#delete-custom-field .warning")).to_be_visible()
    fits(page, f"settings-custom-field-delete-{language}")
    page.click("#delete-custom-field button.danger")  # without the key: refused
    assert CustomField.objects.exists()
    page.fill("#confirm-key", "branch")
    page.click("#delete-custom-field button.danger")
    page.wait_for_url(lambda url: "/delete/" not in url)
    assert not CustomField.objects.exists()
    page.context.close()
