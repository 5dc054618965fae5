"""Amounts in the browser: typed in Toman (the display unit) with the unit beside the input, digits grouped while
typing in the page's digits, the same figure read back on the deal's page and the list, ten times it stored in
Rial; the same for a cell of the targets grid. In Persian and English, at 1440 px and 390 px."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.sales.models import Deal
from peyvand.targets.models import Target

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TYPED = {"fa": "۱۲۵۰۰۰۰۰", "en": "12500000"}
SHOWN = {"fa": "۱۲٬۵۰۰٬۰۰۰", "en": "12,500,000"}
UNIT = {"fa": "تومان", "en": "Toman"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_amount_typed_in_toman_on_the_deal_form_reads_back_the_same_and_is_stored_in_rial(
    browser, live_server, rep_a, pipeline, language
):
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/deals/new/")
    expect(page.locator(".money-field .money-unit")).to_have_text(UNIT[language])
    page.fill("#id_title", "Fleet trackers")
    amount = page.locator("#id_amount")
    amount.fill("")
    amount.press_sequentially(TYPED[language])
    expect(amount).to_have_value(SHOWN[language])  # grouped as typed, in the page's digits
    fits(page, f"money-deal-form-{language}")

    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/new/" not in url)
    deal = Deal.objects.get(title="Fleet trackers")
    assert deal.amount == Decimal("125000000")  # ten times the Toman typed, in Rial
    expect(page.locator("dl.fields")).to_contain_text(f"{SHOWN[language]} {UNIT[language]}")
    page.goto("/deals/")
    row = page.locator("table tbody tr", has_text="Fleet trackers")
    expect(row).to_contain_text(f"{SHOWN[language]} {UNIT[language]}")
    page.goto(f"/deals/{deal.pk}/edit/")
    expect(page.locator("#id_amount")).to_have_value(SHOWN[language])
    page.context.close()


def test_persian_digits_typed_on_an_english_page_and_a_digit_put_in_the_middle_keep_the_caret(
    browser, live_server, rep_a, pipeline
):
    page = signed_in(browser, live_server, rep_a, "en")
    page.goto("/deals/new/")
    amount = page.locator("#id_amount")
    amount.fill("")
    amount.press_sequentially("۱۲۵۰۰۰۰")
    expect(amount).to_have_value("1,250,000")
    amount.press("Home")
    amount.press("ArrowRight")
    amount.press_sequentially("29")
    expect(amount).to_have_value("129,250,000")
    assert amount.evaluate("el => el.selectionStart") == 3  # right after the digits typed
    page.fill("#id_currency", "USD")
    expect(page.locator(".money-field .money-unit")).to_have_text("USD")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_target_typed_in_toman_reads_back_the_same_and_is_stored_in_rial(
    browser, live_server, manager_a, rep_a, language
):
    page = signed_in(browser, live_server, manager_a, language)
    page.goto("/targets/?year=1405")
    expect(page.locator(".targets-grid thead th .target-unit").first).to_contain_text(UNIT[language])
    cell = page.locator(f"#cell-user-{rep_a.pk}-month-9")
    amount = cell.locator("input[name=amount]")
    amount.press_sequentially(TYPED[language])
    expect(amount).to_have_value(SHOWN[language])
    amount.press("Tab")
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-9.saved")).to_be_visible()
    assert list(Target.objects.values_list("number", "amount")) == [(9, Decimal("125000000"))]
    page.reload()
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-9 input[name=amount]")).to_have_value(SHOWN[language])
    expect(page.locator(f"#cell-user-{rep_a.pk}-month-9 .target-money")).to_contain_text(
        f"{SHOWN[language]} {UNIT[language]}"
    )
    fits(page, f"money-targets-{language}")
    page.context.close()
