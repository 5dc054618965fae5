"""The board on a touch screen, in Chromium with touch events: a card dragged by finger to the next stage is
moved (and written to its history); each column shows its count and its total amount. In Persian and English."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, sign_in_as
from peyvand.sales.models import Deal, StageHistory
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
TOTAL = {"en": "45,000,000", "fa": "۴۵٬۰۰۰٬۰۰۰"}  # stored in Rial, shown in Toman


def touch_drag(page, source, target) -> None:
    """A finger pressed on ``source``, held, moved in steps onto ``target`` and lifted (Chrome's touch events)."""
    cdp = page.context.new_cdp_session(page)
    start, end = source.bounding_box(), target.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + 20
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    page.wait_for_timeout(300)  # the board waits a moment so that a touch can still scroll
    for step in range(1, 11):
        x, y = x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(30)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_card_is_dragged_by_touch_and_columns_show_their_totals(
    browser, live_server, rep_a, pipeline, language
):
    deal = create_deal(actor=rep_a, values={"title": "Warehouse scanners", "amount": "450000000"})
    page = new_page(browser, live_server, has_touch=True, is_mobile=False)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in_as(page, rep_a)
    page.goto(f"/board/?pipeline={pipeline.pk}")
    first, second = pipeline.stages.all()[:2]
    expect(page.locator(f'.column[data-stage="{first.pk}"] .column-sum')).to_contain_text(TOTAL[language])
    fits(page, f"board-totals-{language}")

    card = page.locator(f'.deal-card[data-deal="{deal.pk}"]')
    touch_drag(page, card, page.locator(f'.column[data-stage="{second.pk}"] .cards'))
    moved = page.locator(f'.column[data-stage="{second.pk}"] .deal-card[data-deal="{deal.pk}"]')
    expect(moved).to_have_attribute("data-version", str(deal.version + 1))
    assert Deal.objects.get(pk=deal.pk).stage == second
    assert StageHistory.objects.filter(deal=deal, from_stage=first, to_stage=second).exists()
    page.context.close()
