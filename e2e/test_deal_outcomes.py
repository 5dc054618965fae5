"""Deal outcomes in Chromium: a deal is won in one click from its page (its stage's checklist ticked in place
beside the buttons), lost from the board in two (the Lost button, then the dialog's reason and confirm), and an
administrator keeps the list of lost reasons. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.sales.models import ChecklistItem, Deal, LostReason
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
TICK_FIRST = {"en": "Tick first: Confirm budget.", "fa": "نخست این‌ها را تیک بزنید: Confirm budget."}


def _reasons():
    # the same three whether or not the migration's defaults are still there (a transactional test empties them)
    LostReason.objects.all().delete()
    return [
        LostReason.objects.create(name=name, order=i)
        for i, name in enumerate(["Price", "Went with a competitor", "No budget"], start=1)
    ]


def _stage(pipeline, name):
    return pipeline.stages.get(name=name)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_deal_is_won_in_one_click_from_its_page_once_its_stage_checklist_is_ticked(
    browser, live_server, rep_a, pipeline, language
):
    _reasons()
    item = ChecklistItem.objects.create(
        stage=_stage(pipeline, "Lead in"), text="Confirm budget", required=True
    )
    ChecklistItem.objects.create(stage=_stage(pipeline, "Proposal"), text="Send the offer", required=True)
    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners", "amount": "5000"})
    page = signed_in(browser, live_server, rep_a, language)

    page.goto(f"/deals/{deal.pk}/")
    outcome = page.locator("#deal-outcome")
    expect(outcome.locator("[data-win]")).to_be_visible()
    expect(outcome.locator("[data-lose]")).to_be_visible()
    expect(outcome.locator(f'.checklist-item[data-item="{item.pk}"]')).to_be_visible()
    fits(page, f"deal-outcome-{language}")

    page.click(
        "#deal-outcome [data-win]"
    )  # refused: the stage's item is not ticked, and the message says which
    expect(page.locator(".messages")).to_contain_text(TICK_FIRST[language])
    expect(page.locator(".messages")).not_to_contain_text("Send the offer")  # a skipped stage is not asked
    assert Deal.objects.get(pk=deal.pk).status == "open"

    url = page.url
    page.check(f'.checklist-item[data-item="{item.pk}"] input[type=checkbox]')  # ticked in place (htmx)
    expect(page.locator(f'.checklist-item.done[data-item="{item.pk}"]')).to_be_visible()
    assert page.url == url

    page.click("#deal-outcome [data-win]")  # one click
    page.wait_for_load_state()
    expect(page.locator("#deal-outcome [data-win]")).to_have_count(0)
    assert Deal.objects.get(pk=deal.pk).status == "won"
    fits(page, f"deal-won-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_deal_is_lost_from_the_board_in_two_clicks_with_a_reason_from_the_list(
    browser, live_server, rep_a, pipeline, language
):
    price, competitor, _budget = _reasons()
    deal = create_deal(actor=rep_a, values={"title": "Fleet tracking", "amount": "7000"})
    create_deal(actor=rep_a, values={"title": "Office printers", "amount": "1000"})
    page = signed_in(browser, live_server, rep_a, language)

    page.goto("/board/")
    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    expect(card.locator("[data-win]")).to_be_visible()
    fits(page, f"board-outcomes-{language}")

    card.locator("[data-lose]").click()  # first click: the dialog asks why
    dialog = page.locator("#lose-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-deal-title]")).to_have_text("Fleet tracking")
    expect(dialog.locator(".lose-reason")).to_have_count(3)
    fits(page, f"board-lose-dialog-{language}")
    dialog.locator(".lose-reason", has_text="Went with a competitor").click()
    dialog.locator("textarea[name=note]").fill("Cheaper by a tenth")
    dialog.locator("[data-confirm-lose]").click()  # the dialog's submission
    page.wait_for_url(lambda url: "/board/" in url)

    deal.refresh_from_db()
    assert (deal.status, deal.lost_because, deal.lost_reason) == (
        "lost",
        competitor,
        "Went with a competitor — Cheaper by a tenth",
    )
    expect(page.locator(f'.column.stage-lost .deal-card[data-deal="{deal.pk}"]')).to_be_visible()
    expect(page.locator(f'.deal-card[data-deal="{deal.pk}"] [data-lose]')).to_have_count(0)

    # cancelling the dialog changes nothing
    other = page.locator(".deal-card", has_text="Office printers")
    other.locator("[data-lose]").click()
    expect(dialog).to_be_visible()
    dialog.locator("[data-close-dialog]").click()
    expect(dialog).to_be_hidden()
    assert Deal.objects.get(title="Office printers").status == "open"
    assert price.deals.count() == 0

    # without scripts the Lost button is a link to the same form as a page of its own
    printers = Deal.objects.get(title="Office printers")
    page.goto(f"/deals/{printers.pk}/lose/")
    expect(page.locator(".lose-page .lose-reason")).to_have_count(3)
    fits(page, f"lose-page-{language}")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_adds_renames_and_deactivates_lost_reasons(browser, live_server, admin, language):
    price, _competitor, budget = _reasons()
    page = signed_in(browser, live_server, admin, language)

    page.goto("/settings/lost-reasons/")
    expect(page.locator("#lost-reasons tbody tr")).to_have_count(3)
    fits(page, f"lost-reasons-{language}")

    page.fill("#reason-name", "Lost touch")
    page.click(".add-reason button[type=submit]")
    expect(page.locator("#lost-reasons")).to_contain_text("Lost touch")

    page.click(f'#lost-reasons tr[data-reason="{price.pk}"] a.button')
    page.fill("#reason-name", "Price too high")
    fits(page, f"lost-reason-form-{language}")
    page.click(".reason-form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/settings/lost-reasons/"))
    expect(page.locator("#lost-reasons")).to_contain_text("Price too high")

    page.click(f'#lost-reasons tr[data-reason="{budget.pk}"] form button')
    expect(page.locator(f'#lost-reasons tr.inactive[data-reason="{budget.pk}"]')).to_be_visible()

    price.refresh_from_db()
    budget.refresh_from_db()
    assert price.name == "Price too high" and not budget.active
    assert LostReason.objects.filter(name="Lost touch", active=True).exists()
    page.context.close()
