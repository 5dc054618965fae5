"""The public lead form on a phone and on a desktop: the page fits, the form fills a phone's screen on the
brand font, a visitor's submission becomes a lead, and a bot that fills the honeypot is refused."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits
from peyvand.leads.models import Lead, WebForm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NAMES = {"fa": ("مریم", "صالحی"), "en": ("Mary", "Saleh")}


@pytest.fixture
def web_form(pipeline):
    return WebForm.objects.create(
        name="درخواست مشاوره",
        fields=["first_name", "last_name", "phone", "email"],
        required_fields=["last_name"],
        pipeline=pipeline,
    )


def _open(page, web_form, language):
    page.goto(f"/f/{web_form.key}/" + ("?lang=en" if language == "en" else ""))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_form_fits_a_phone_and_a_desktop_and_a_submission_becomes_a_lead(page, web_form, language):
    _open(page, web_form, language)
    fits(page, f"public-form-{language}")
    # the brand font is loaded and used
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    page.evaluate("document.fonts.ready")
    assert "Vazirmatn" in page.evaluate("getComputedStyle(document.querySelector('input')).fontFamily")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form_width = page.evaluate("document.querySelector('form').getBoundingClientRect().width")
    assert form_width >= 0.9 * 390 - 1, form_width  # the screen less a small margin, not a quarter of it
    # one column of large touch targets
    boxes = [
        page.locator(sel).bounding_box() for sel in ("#id_first_name", "#id_last_name", "button[type=submit]")
    ]
    assert all(box["height"] >= 44 and box["width"] >= form_width - 1 for box in boxes), boxes
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    # the honeypot is out of sight and out of the accessibility tree, yet an ordinary field a bot fills in
    expect(page.locator("#id_website_url")).not_to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Leave this empty")).to_have_count(0)
    assert page.locator("#id_website_url").get_attribute("type") == "text"

    page.set_viewport_size({"width": 1440, "height": 900})
    wide = page.evaluate("document.querySelector('form').getBoundingClientRect().width")
    assert 300 <= wide <= 640, wide  # a readable column on a desktop, not a line across the screen

    first, last = NAMES[language]
    page.set_viewport_size({"width": 390, "height": 844})
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    page.fill("#id_phone", "09121234567")
    page.click("button[type=submit]")
    expect(page.locator(".done")).to_be_visible()
    fits(page, f"public-form-done-{language}")
    lead = Lead.objects.get(last_name=last)
    assert (lead.first_name, lead.source) == (first, "website")


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_bot_that_fills_the_honeypot_is_refused(page, web_form, language):
    _open(page, web_form, language)
    page.fill("#id_last_name", "Bot")
    # a bot fills every field it finds, seen or not
    page.locator("#id_website_url").evaluate("el => { el.value = 'http://spam.example'; }")
    page.click("button[type=submit]")
    expect(page.locator(".errors")).to_be_visible()
    expect(page.locator(".done")).to_have_count(0)
    assert not Lead.objects.filter(last_name="Bot").exists()
