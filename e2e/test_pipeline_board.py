"""A rep's day in the browser: sign in, create a deal, drag it along the board, read its history."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from peyvand.sales.models import Deal, StageHistory
from peyvand.sales.services import update_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_rep_creates_a_deal_drags_it_to_the_next_stage_and_sees_the_move_in_history(
    page, sign_in, rep_a, pipeline
):
    sign_in(rep_a)
    page.goto("/deals/new/")
    page.fill("#id_title", "Warehouse scanners")
    page.fill("#id_amount", "450000000")
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Warehouse scanners")
    deal = Deal.objects.get(title="Warehouse scanners")
    assert deal.owner == rep_a and deal.stage.name == "Lead in"

    page.goto(f"/board/?pipeline={pipeline.pk}")
    first, second = pipeline.stages.all()[:2]
    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    expect(
        page.locator(f'.column[data-stage="{first.pk}"] .deal-card[data-deal="{deal.pk}"]')
    ).to_be_visible()
    card.drag_to(page.locator(f'.column[data-stage="{second.pk}"] .cards'))
    moved = page.locator(f'.column[data-stage="{second.pk}"] .deal-card[data-deal="{deal.pk}"]')
    expect(moved).to_have_attribute("data-version", str(deal.version + 1))

    deal.refresh_from_db()
    assert deal.stage == second
    assert list(StageHistory.objects.filter(deal=deal).values_list("from_stage", "to_stage")) == [
        (None, first.pk),
        (first.pk, second.pk),
    ]
    page.goto(f"/deals/{deal.pk}/")
    last_move = page.locator("#stage-history tbody tr").last
    expect(last_move).to_contain_text(first.name)
    expect(last_move).to_contain_text(second.name)


def test_board_refuses_a_stale_card_and_puts_it_back(page, sign_in, rep_a, pipeline):
    from peyvand.sales.services import create_deal

    deal = create_deal(actor=rep_a, values={"title": "Stale card"})
    sign_in(rep_a)
    page.goto(f"/board/?pipeline={pipeline.pk}")
    update_deal(actor=rep_a, deal=deal, version=deal.version, values={"amount": 5})  # someone else edits
    first, second = pipeline.stages.all()[:2]
    page.locator(f'.deal-card[data-deal="{deal.pk}"]').drag_to(
        page.locator(f'.column[data-stage="{second.pk}"] .cards')
    )
    expect(page.locator("#toast")).to_be_visible()
    expect(
        page.locator(f'.column[data-stage="{first.pk}"] .deal-card[data-deal="{deal.pk}"]')
    ).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage == first and StageHistory.objects.filter(deal=deal).count() == 1


def test_persian_pages_are_rtl_with_jalali_dates_and_english_pages_ltr_with_gregorian(
    page, sign_in, rep_a, pipeline
):
    sign_in(rep_a)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    page.goto("/deals/new/")
    page.fill("#id_title", "قرارداد پشتیبانی")
    page.fill("#id_expected_close_date", "۱۴۰۵/۰۱/۱۵")  # typed with Persian digits
    page.click("form.form button[type=submit]")
    deal = Deal.objects.get(title="قرارداد پشتیبانی")
    assert deal.expected_close_date == dt.date(2026, 4, 4)
    expect(page.locator(".fields")).to_contain_text("۱۴۰۵/۰۱/۱۵")

    page.click(".usermenu .lang-switch button")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".fields")).to_contain_text("2026-04-04")
    expect(page.locator(".mainnav")).to_contain_text("Pipeline board")

    page.goto(f"/deals/{deal.pk}/edit/")
    expect(page.locator("#id_expected_close_date")).to_have_value("2026-04-04")


def test_edit_form_shows_field_errors_and_what_changed_meanwhile(page, sign_in, rep_a, pipeline):
    from peyvand.sales.services import create_deal

    deal = create_deal(actor=rep_a, values={"title": "Router upgrade", "amount": 100})
    sign_in(rep_a)
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    page.goto(f"/deals/{deal.pk}/edit/")
    page.fill("#id_expected_close_date", "2026-13-45")
    page.click("form.form button[type=submit]")
    expect(page.locator(".field.has-error")).to_contain_text("Enter a date such as")

    page.fill("#id_expected_close_date", "2026-12-20")
    update_deal(actor=rep_a, deal=deal, version=deal.version, values={"title": "Router upgrade (HQ)"})
    page.fill("#id_amount", "999")
    page.click("form.form button[type=submit]")
    stale = page.locator(".stale")
    expect(stale).to_contain_text("changed by someone else")
    expect(stale).to_contain_text("Router upgrade (HQ)")
    deal.refresh_from_db()
    assert deal.amount == 100 and deal.title == "Router upgrade (HQ)"

    page.click("form.form button[type=submit]")  # saving again, now on the current version
    expect(page.locator("h1")).to_have_text(re.compile("Router upgrade"))
    deal.refresh_from_db()
    assert deal.amount == 9990  # typed in Toman, stored in Rial


def test_dropping_a_card_on_lost_asks_why_and_keeps_the_reason(page, sign_in, rep_a, pipeline):
    from peyvand.sales.models import LostReason
    from peyvand.sales.services import create_deal

    price, _new = LostReason.objects.get_or_create(name="قیمت", defaults={"order": 1})
    deal = create_deal(actor=rep_a, values={"title": "Lost cause"})
    lost = pipeline.stages.get(kind="lost")
    sign_in(rep_a)
    page.goto(f"/board/?pipeline={pipeline.pk}")
    page.locator(f'.deal-card[data-deal="{deal.pk}"]').drag_to(
        page.locator(f'.column[data-stage="{lost.pk}"] .cards')
    )
    dialog = page.locator("#lose-dialog")  # the same dialog as the card's Lost button
    expect(dialog).to_be_visible()
    dialog.locator(".lose-reason", has_text="قیمت").click()
    dialog.locator("textarea[name=note]").fill("قیمت بالا")
    dialog.locator("[data-confirm-lose]").click()
    expect(
        page.locator(f'.column[data-stage="{lost.pk}"] .deal-card[data-deal="{deal.pk}"]')
    ).to_have_attribute("data-version", "2")
    deal.refresh_from_db()
    assert (deal.status, deal.lost_because, deal.lost_reason) == ("lost", price, "قیمت — قیمت بالا")
    assert deal.closed_at is not None
