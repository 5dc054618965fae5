"""Activities logged on any record, in Chromium: from a deal's page "+ Call" opens the form naming the deal, the
saved call is on the deal's, its contact's and its company's timelines and in the activities list with the deal
it is about; another team's rep gets 404 for it. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.activities.models import Activity
from peyvand.contacts.services import create_company, create_contact
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
LABEL = {"en": "Deal", "fa": "معامله"}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_call_logged_from_a_deal_shows_on_the_deal_its_contact_and_its_company(
    browser, live_server, rep_a, rep_b, pipeline, language
):
    company = create_company(actor=rep_a, values={"name": "پارس‌فولاد"})
    contact = create_contact(
        actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei", "company": company}
    )
    deal = create_deal(
        actor=rep_a, values={"title": "Warehouse scanners", "contact": contact, "company": company}
    )
    page = signed_in(browser, live_server, rep_a, language)

    page.goto(f"/deals/{deal.pk}/")
    # the link's own page (what it opens without scripts; e2e/test_quick_create.py covers its dialog)
    page.goto(page.locator(".quick-add a[href*='kind=call']").get_attribute("href"))
    expect(page.locator(".linked-record")).to_contain_text(LABEL[language])
    expect(page.locator(".linked-record a")).to_have_text("Warehouse scanners")
    fits(page, f"activity-form-on-deal-{language}")
    page.fill("#id_subject", "Demo of the scanners")
    page.click("form button[type=submit].primary")
    page.wait_for_url(lambda url: "/edit/" not in url and "/new/" not in url)

    call = Activity.objects.get(subject="Demo of the scanners")
    assert (call.kind, call.record_type, call.record_id) == ("call", "deal", deal.pk)
    expect(page.locator("dl.fields")).to_contain_text("Warehouse scanners")
    fits(page, f"activity-on-deal-{language}")
    for url in (f"/deals/{deal.pk}/", f"/contacts/{contact.pk}/", f"/companies/{company.pk}/"):
        page.goto(url)
        expect(page.locator(".timeline")).to_contain_text("Demo of the scanners")
    page.goto("/activities/")
    row = page.locator("table.table tbody tr", has_text="Demo of the scanners")
    expect(row).to_contain_text("Warehouse scanners")
    fits(page, f"activities-list-{language}")
    page.context.close()

    stranger = signed_in(browser, live_server, rep_b, language)
    assert stranger.goto(f"/activities/{call.pk}/").status == 404
    assert stranger.goto(f"/activities/new/?record_type=deal&record_id={deal.pk}&kind=call").status == 200
    expect(stranger.locator(".linked-record")).to_have_count(
        0
    )  # the form does not name a deal it may not see
    stranger.context.close()
