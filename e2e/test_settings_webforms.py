"""Web forms in Chromium: an administrator creates a form from the settings, ticking the fields to ask; opens its
public address; and a customer's site on another origin pastes the script code, which frames the form, keeps the
frame as tall as the form, and takes a visitor's submission into a lead. Another page of the app framed the same
way is refused. In Persian and English, at 1440 px and 390 px."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from e2e.test_content_security_policy import _watch
from peyvand.leads.models import Lead, WebForm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NAMES = {"fa": "درخواست مشاوره", "en": "Ask for a demo"}
VISITOR = {"fa": ("مریم", "صالحی"), "en": ("Mary", "Saleh")}
TITLES = {"fa": "فرم‌های وب", "en": "Web forms"}
THANKS = {"fa": "به‌زودی تماس می‌گیریم.", "en": "We will call you soon."}


@pytest.fixture
def customer_site():
    """A customer's own website: a tiny server of its own on another origin (127.0.0.1 and another port, where
    the app is served as localhost), answering every address with the page last given to ``show``.

    A real server rather than an intercepted request: Chromium lets only pages of the loopback address space
    load scripts and frames from the loopback address the app's test server listens on."""
    pages = {"body": ""}

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            document = (
                '<!doctype html><html><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Customer</title>'
                "<style>body{margin:0 auto;max-width:40rem;padding:1rem;font-family:sans-serif}</style></head>"
                f"<body><h1>Contact us</h1>{pages['body']}<footer>Customer Co.</footer></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def show(page, body: str) -> None:
        pages["body"] = body
        page.goto(f"http://127.0.0.1:{server.server_port}/contact.html")

    yield show
    server.shutdown()
    server.server_close()


def _frame_fits_its_form(page) -> None:
    """The frame is as tall as the form in it: nothing scrolls inside, and no empty band is left under it."""
    frame = page.locator("iframe[data-peyvand-frame]")
    inner = page.frame_locator("iframe[data-peyvand-frame]").locator("body")
    expect(inner).to_be_visible()

    def heights():
        outer = frame.bounding_box()["height"]
        content = inner.evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
        return outer, content

    page.wait_for_function(
        "() => { const f = document.querySelector('iframe[data-peyvand-frame]');"
        " return f && f.style.height.endsWith('px'); }"
    )
    page.wait_for_timeout(200)  # the last resize message after the fonts settle
    outer, content = heights()
    assert abs(outer - content) <= 2, (outer, content)
    assert inner.evaluate(
        "() => document.documentElement.scrollHeight <= document.documentElement.clientHeight + 1"
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_administrator_creates_a_form_and_a_visitor_sends_a_lead_through_the_embedded_form(
    browser, live_server, admin, pipeline, language, customer_site
):
    page = signed_in(browser, live_server, admin, language)
    violations = _watch(page)  # the settings pages, the public form and its frame break no policy
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto("/settings/")
    page.click("a[href='/settings/web-forms/']")
    expect(page.locator("h1")).to_have_text(TITLES[language])
    fits(page, f"webforms-list-empty-{language}")
    page.click("a[href='/settings/web-forms/new/']")

    # the fields with their labels; the usual four ticked, the last name required
    expect(page.locator("tr[data-field=last_name] input[name=ask]")).to_be_checked()
    expect(page.locator("tr[data-field=last_name] input[name=required]")).to_be_checked()
    fits(page, f"webforms-new-{language}")
    page.fill("#wf-name", NAMES[language])
    page.uncheck("tr[data-field=email] input[name=ask]")
    page.check("tr[data-field=company_name] input[name=ask]")
    page.check("tr[data-field=phone] input[name=required]")
    page.fill("input[name=position_phone]", "0")  # the phone first
    page.select_option("#wf-pipeline", str(pipeline.pk))
    page.check("input[name=open_deal]")
    page.fill("#wf-thanks", THANKS[language])
    page.click(".webform-form button[type=submit]")

    expect(page.locator(".messages")).to_be_visible()
    form = WebForm.objects.get()
    assert page.url.endswith(f"/settings/web-forms/{form.pk}/")
    assert form.fields == ["phone", "first_name", "last_name", "company_name"]
    assert form.required_fields == ["phone", "last_name"]
    assert (form.pipeline_id, form.open_deal, form.thank_you) == (pipeline.pk, True, THANKS[language])
    public = f"{live_server.url}/f/{form.key}/"
    if language == "en":  # the code for the form in English, for an English site
        page.click("#embed-english")
        public += "?lang=en"
    expect(page.locator("#public-url")).to_have_value(public)
    script = page.locator("#snippet-script").input_value()
    assert f'data-peyvand-form="{public}"' in script and "/static/peyvand/embed.js" in script
    expect(page.locator("#snippet-iframe")).to_have_value(re.compile(re.escape(f'<iframe src="{public}"')))
    fits(page, f"webforms-edit-{language}")

    # the copy button puts the code on the clipboard and says so
    button = page.locator("[data-copy=snippet-script]")
    label = button.inner_text()
    button.click()
    expect(button).not_to_have_text(label)
    assert page.evaluate("navigator.clipboard.readText()") == script

    page.goto("/settings/web-forms/")
    row = page.locator(f"tr[data-web-form='{form.pk}']")
    expect(row).to_contain_text(NAMES[language])
    fits(page, f"webforms-list-{language}")

    # the public address: the fields in the order chosen
    page.goto(public)
    expect(page.locator("h1")).to_have_text(NAMES[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    names = page.locator("form input:not([type=hidden]):not(#id_website_url)").evaluate_all(
        "inputs => inputs.map(i => i.name)"
    )
    assert names == ["phone", "first_name", "last_name", "company_name"]

    # a customer's site pastes the script code; a visitor on a phone sends a lead through the frame
    page.set_viewport_size({"width": 390, "height": 844})
    customer_site(page, script)
    _frame_fits_its_form(page)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(_shots() / f"webforms-embedded-{language}-390.png"), full_page=True)
    first, last = VISITOR[language]
    inner = page.frame_locator("iframe[data-peyvand-frame]")
    inner.locator("#id_first_name").fill(first)
    inner.locator("#id_last_name").fill(last)
    inner.locator("button[type=submit]").click()
    expect(inner.locator("#phone-errors")).to_be_visible()  # required: the frame grows to show the error
    _frame_fits_its_form(page)
    inner.locator("#id_phone").fill("09121234567")
    inner.locator("button[type=submit]").click()
    expect(inner.locator(".done")).to_have_text(THANKS[language])
    _frame_fits_its_form(page)  # and shrinks to the thanks
    page.screenshot(path=str(_shots() / f"webforms-embedded-done-{language}-390.png"), full_page=True)

    lead = Lead.objects.get(last_name=last)
    assert (lead.first_name, lead.web_form_id, lead.source_detail) == (first, form.pk, NAMES[language])
    assert lead.deals.count() == 1  # "open a deal for each lead"
    assert violations == []
    page.context.close()


def test_the_embedded_frame_at_desktop_width_and_another_page_of_the_app_refused_in_a_frame(
    browser, live_server, admin, customer_site
):
    form = WebForm.objects.create(name="Newsletter", fields=["first_name", "last_name", "email"])
    page = signed_in(browser, live_server, admin, "en")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/settings/web-forms/{form.pk}/")
    script = page.locator("#snippet-script").input_value()
    iframe = page.locator("#snippet-iframe").input_value()
    # the script code and, beside it, a plain iframe of the settings hub: the first is shown, the second refused
    settings_frame = f'<iframe id="not-embeddable" src="{live_server.url}/settings/"></iframe>'
    customer_site(page, script + iframe.replace("<iframe ", '<iframe id="plain" ') + settings_frame)
    _frame_fits_its_form(page)
    plain = page.frame_locator("#plain")
    expect(plain.locator("h1")).to_have_text("Newsletter")
    page.wait_for_timeout(500)
    refused = page.locator("#not-embeddable").element_handle().content_frame()
    # Chromium shows its error page in a frame the app refused (X-Frame-Options, CSP frame-ancestors)
    assert refused.url.startswith("chrome-error://"), refused.url
    page.screenshot(path=str(_shots() / "webforms-embedded-desktop-1440.png"), full_page=True)
    page.context.close()


def _shots():
    from e2e.conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
