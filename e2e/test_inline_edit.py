"""A contact's fields edited in place, in Chromium: the pencil opens the phone's input, a number typed in
Persian digits is saved and shown as a phone link; Escape puts a value back unchanged; an empty last name is
refused on the field. In Persian and English, at 1440 px and 390 px."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SAVED = {"en": "Saved.", "fa": "ذخیره شد."}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_contacts_phone_is_edited_in_place(browser, live_server, rep_a, language):
    contact = create_contact(
        actor=rep_a,
        values={"first_name": "Sara", "last_name": "Karimi", "phones": ["+982188881234"], "city": "Tabriz"},
    )
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/contacts/{contact.pk}/")

    page.click("#inline-phones .inline-pencil")
    phone = page.locator("#inline-phones input[name=phones]")
    expect(phone).to_be_focused()
    fits(page, f"inline-edit-open-{language}")
    phone.fill("۰۹۱۲ ۳۴۵ ۶۷۸۹")
    phone.press("Enter")
    expect(page.locator("#inline-phones a[href='tel:+989123456789']")).to_be_visible()
    expect(page.locator("#inline-phones")).to_contain_text(SAVED[language])
    assert Contact.objects.get(pk=contact.pk).phones == ["+989123456789"]

    # Escape: the input closes, the value as it was
    page.click("#inline-city .inline-pencil")
    page.fill("#inline-city input[name=city]", "Shiraz")
    page.press("#inline-city input[name=city]", "Escape")
    expect(page.locator("#inline-city input")).to_have_count(0)
    expect(page.locator("#inline-city .inline-pencil")).to_be_focused()
    expect(page.locator("#inline-city")).to_contain_text("Tabriz")
    assert Contact.objects.get(pk=contact.pk).city == "Tabriz"

    # a last name is required: told on the field, nothing saved
    page.click("#inline-last_name .inline-pencil")
    page.fill("#inline-last_name input[name=last_name]", "")
    page.press("#inline-last_name input[name=last_name]", "Enter")
    expect(page.locator("#inline-last_name [role=alert]")).to_be_visible()
    fits(page, f"inline-edit-error-{language}")
    assert Contact.objects.get(pk=contact.pk).last_name == "Karimi"
    page.context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_deals_amount_is_edited_in_place(browser, live_server, rep_a, pipeline, language):
    from peyvand.sales.models import Deal
    from peyvand.sales.services import create_deal

    deal = create_deal(actor=rep_a, values={"title": "Fleet tracking", "amount": "10000"})
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/deals/{deal.pk}/")
    page.click("#inline-amount .inline-pencil")
    amount = page.locator("#inline-amount input[name=amount]")
    expect(amount).to_be_focused()
    fits(page, f"inline-edit-amount-{language}")
    amount.fill("۲۵۰۰")
    amount.press("Enter")
    expect(page.locator("#inline-amount")).to_contain_text(SAVED[language])
    # typed in the display unit (Toman), stored in Rial
    assert Deal.objects.get(pk=deal.pk).amount == 25000
    page.context.close()
