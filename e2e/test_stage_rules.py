"""Exit criteria in the browser: the board refuses a drag and says what is missing; ticking the checklist item
on the deal page lets the same drag through."""

import pytest
from playwright.sync_api import expect

from peyvand.sales.models import ChecklistCheck, ChecklistItem, StageHistory
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_drag_without_the_required_checklist_item_is_refused_until_it_is_ticked_on_the_deal_page(
    page, sign_in, rep_a, pipeline
):
    first, second = pipeline.stages.all()[:2]
    first.script = "<p>Ask who signs the contract.</p>"
    first.save()
    item = ChecklistItem.objects.create(stage=first, text="Confirm the budget", required=True)
    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners", "amount": 450000000})

    sign_in(rep_a)
    page.click(".usermenu .lang-switch button")  # English
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the switch has reloaded the page
    page.goto(f"/board/?pipeline={pipeline.pk}")
    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    card.drag_to(page.locator(f'.column[data-stage="{second.pk}"] .cards'))
    toast = page.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Confirm the budget")
    expect(
        page.locator(f'.column[data-stage="{first.pk}"] .deal-card[data-deal="{deal.pk}"]')
    ).to_be_visible()
    assert StageHistory.objects.filter(deal=deal).count() == 1

    page.goto(f"/deals/{deal.pk}/")
    expect(page.locator("#stage-script")).to_contain_text("Ask who signs the contract.")
    checklist_item = page.locator(f'#deal-checklist [data-item="{item.pk}"]')
    checklist_item.locator("input[type=checkbox]").check()
    expect(page.locator(f'#deal-checklist [data-item="{item.pk}"].done')).to_be_visible()  # htmx swapped it
    assert ChecklistCheck.objects.filter(deal=deal, item=item, checked_by=rep_a).exists()

    page.goto(f"/board/?pipeline={pipeline.pk}")
    page.locator(f'.deal-card[data-deal="{deal.pk}"]').drag_to(
        page.locator(f'.column[data-stage="{second.pk}"] .cards')
    )
    moved = page.locator(f'.column[data-stage="{second.pk}"] .deal-card[data-deal="{deal.pk}"]')
    expect(moved).to_have_attribute("data-version", str(deal.version + 1))
    deal.refresh_from_db()
    assert deal.stage == second
