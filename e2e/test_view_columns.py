"""Columns of a list, in Chromium: hide a column and move another first with the chooser, save the view, come
back to the plain list and reopen the view with its columns. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.core.models import SavedView
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
COLUMNS = {"en": "Columns", "fa": "ستون‌ها"}
MENU = {"en": "Saved views", "fa": "نماهای ذخیره‌شده"}


def _headers(page) -> list[str]:
    return [t.strip(" ▲▼") for t in page.locator("#results thead th").all_inner_texts()][1:]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_hidden_column_is_saved_with_the_view_and_reopened(browser, live_server, rep_a, pipeline, language):
    create_deal(actor=rep_a, values={"title": "Fleet tracking", "amount": "1000"})
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/deals/")
    usual = _headers(page)
    assert len(usual) == 6
    page.get_by_text(COLUMNS[language], exact=True).click()
    page.uncheck(".column-chooser input[value=company]")
    page.click(".column-chooser button[type=submit]")
    page.wait_for_url("**/deals/?*columns=*")
    assert _headers(page) == [h for i, h in enumerate(usual) if i != 3]  # the company column is gone
    # the stage one place earlier, by its link in the chooser
    page.get_by_text(COLUMNS[language], exact=True).click()
    page.locator(".column-chooser li").filter(has=page.locator("input[value=stage]")).locator(
        "a.move"
    ).first.click()
    page.wait_for_url("**/deals/?*columns=title%2Cstage%2Camount*")
    expected = [usual[0], usual[2], usual[1], usual[4], usual[5]]
    assert _headers(page) == expected
    page.get_by_text(COLUMNS[language], exact=True).click()
    expect(page.locator(".column-chooser input[value=company]")).not_to_be_checked()
    fits(page, f"view-columns-chooser-{language}")

    page.fill(".save-view input[name=name]", "No company")
    page.click(".save-view button[type=submit]")
    page.wait_for_url("**/deals/?*columns=*")
    assert SavedView.objects.get().columns == ["title", "stage", "amount", "expected_close_date", "owner"]

    page.goto("/deals/")
    assert _headers(page) == usual
    page.get_by_text(MENU[language], exact=True).click()
    page.get_by_role("link", name="No company").click()
    page.wait_for_url("**/deals/?*columns=*")
    assert _headers(page) == expected
    expect(page.locator("#results")).to_contain_text("Fleet tracking")
    fits(page, f"view-columns-reopened-{language}")
    page.context.close()
