"""Files and comments on a record's page, in Chromium: the owner uploads a file to a contact, sees it on the
timeline and downloads the same bytes; a file over the limit is refused beside the field; a comment mentions a
colleague, who is told; another team's rep gets 404 for the download and the page. In Persian and English, at
1440 px and 390 px (no horizontal scroll), with screenshots."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.contacts.services import create_contact
from peyvand.files.models import Attachment
from tests.files.conftest import PDF

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
# The content security policy's refusals, written to the console where the test collects them.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
TEXT = {
    "en": {"mentioned": "rep_a mentioned you on Sara Rezaei", "limit": "larger than the 1 MB limit"},
    "fa": {"mentioned": "rep_a در «Sara Rezaei» از شما نام برد", "limit": "سقف ۱ مگابایت"},
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PEYVAND_FILE_MAX_MB = 1
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("language", ["en", "fa"])
def test_owner_uploads_downloads_and_mentions_a_colleague_and_another_team_gets_404(
    browser, live_server, media, rep_a, manager_a, rep_b, language
):
    contact = create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei"})
    page = signed_in(browser, live_server, rep_a, language)
    violations = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: violations.append(m.text) if "CSP violation" in m.text else None)
    page.goto(f"/contacts/{contact.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.set_input_files(
        "#files-input", files=[{"name": "offer.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("#files-panel button[type=submit]")
    link = page.locator(".timeline a.file-link")
    expect(link).to_have_text("offer.pdf")
    attachment = Attachment.objects.get()
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert download.value.suggested_filename == "offer.pdf"

    big = PDF + b"0" * (2 * 1024 * 1024)
    page.set_input_files(
        "#files-input", files=[{"name": "big.pdf", "mimeType": "application/pdf", "buffer": big}]
    )
    page.click("#files-panel button[type=submit]")
    expect(page.locator("#files-error")).to_contain_text(TEXT[language]["limit"])
    assert Attachment.objects.count() == 1 and len([p for p in media.rglob("*") if p.is_file()]) == 1

    page.fill("#comment-body", "@manager_a لطفاً فردا تماس بگیرید")
    page.click("#comments-panel button[type=submit]")
    expect(page.locator(".timeline mark.mention")).to_have_text("@manager_a")
    expect(page.locator(".timeline .comment-body")).to_contain_text("لطفاً فردا تماس بگیرید")
    expect(page.locator(".timeline a.file-link")).to_have_text("offer.pdf")
    fits(page, f"record-files-comments-{language}")
    assert violations == []
    page.context.close()

    colleague = signed_in(browser, live_server, manager_a, language)
    expect(colleague.locator("#bell .badge")).to_be_visible()
    colleague.goto("/notifications/")
    expect(colleague.locator(".notifications")).to_contain_text(TEXT[language]["mentioned"])
    fits(colleague, f"mention-notification-{language}")
    colleague.context.close()

    stranger = signed_in(browser, live_server, rep_b, language)
    assert stranger.request.get(f"/files/{attachment.pk}/download/").status == 404
    assert stranger.goto(f"/contacts/{contact.pk}/").status == 404
    stranger.context.close()
