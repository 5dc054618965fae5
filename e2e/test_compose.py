"""Writing to a customer from their page in Chromium: a manager writes a Persian template with merge fields; a rep
opens a contact, clicks "+ E-mail", picks the template (the form fills in the contact's name), attaches the
contact's file and sends; the e-mail leaves right to left with the file. An SMS scheduled for later waits in the
outbox. In Persian and English, at 1440 px and 390 px: the templates list, the template form and the dialog."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.contacts.services import create_contact
from peyvand.files.services import attach_file
from peyvand.messaging.models import MessageTemplate, Outbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_rep_writes_to_a_contact_from_a_managers_template_with_the_contacts_file(
    browser, live_server, manager_a, rep_a, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    boss = signed_in(browser, live_server, manager_a, language)
    boss.goto("/settings/")
    boss.locator("[data-section=message-templates] a").click()
    fits(boss, f"message-templates-empty-{language}")
    boss.locator("a[href='/settings/message-templates/new/']").click()
    boss.fill("#id_name", "پیگیری پیشنهاد")
    boss.select_option("#id_language", "fa")
    boss.fill("#id_subject", "پیشنهاد برای {{ record.last_name }}")
    boss.fill("#id_body", "{{ contact.first_name }} عزیز، سلام.\nپیشنهاد ما پیوست است.\n{{ me.name }}")
    fits(boss, f"message-template-form-{language}")
    boss.locator("form.form button[type=submit]").click()
    expect(boss.locator("#message-templates")).to_contain_text("پیگیری پیشنهاد")
    fits(boss, f"message-templates-{language}")
    boss.context.close()
    assert MessageTemplate.objects.get().language == "fa"

    contact = create_contact(
        actor=rep_a,
        values={
            "first_name": "سارا",
            "last_name": "احمدی",
            "emails": ["sara@example.com"],
            "phones": ["09121234567"],
        },
    )
    attach_file(
        actor=rep_a,
        record_type="contact",
        record_id=contact.pk,
        upload=SimpleUploadedFile("offer.pdf", b"%PDF-1.4 offer", content_type="application/pdf"),
    )
    page = signed_in(browser, live_server, rep_a, language)
    page.goto(f"/contacts/{contact.pk}/")
    page.locator("[data-compose=email]").click()
    dialog = page.locator("#quick-dialog-body")
    expect(dialog.locator("#id_to")).to_have_value("sara@example.com")
    dialog.locator("#id_template").select_option(label="پیگیری پیشنهاد")
    expect(dialog.locator("#id_subject")).to_have_value("پیشنهاد برای احمدی")
    expect(dialog.locator("#id_body")).to_have_value(re_start("سارا عزیز، سلام."))
    expect(dialog.locator("#id_to")).to_have_value("sara@example.com")
    dialog.locator("input[name=attachments]").check()
    fits(page, f"compose-email-{language}")
    # the answer (204) asks htmx to reload the page: wait for that reload before going anywhere else
    with page.expect_navigation(), page.expect_response(_sent_form):
        dialog.locator("button[type=submit].primary").click()
    (sent,) = mail.outbox
    assert sent.to == ["sara@example.com"] and sent.subject == "پیشنهاد برای احمدی"
    assert sent.attachments[0][0] == "offer.pdf"
    assert 'dir="rtl"' in sent.alternatives[0][0]

    # an SMS, with a wrong number first: the field says what is wrong and nothing is sent
    page.goto(f"/contacts/{contact.pk}/")
    page.locator("[data-compose=sms]").click()
    dialog.locator("#id_to").fill("12")
    dialog.locator("#id_body").fill("یادآوری جلسه فردا")
    dialog.locator("button[type=submit].primary").click()
    expect(dialog.locator("#id_to_error, .field-error").first).to_be_visible()
    assert Outbox.objects.filter(channel="sms").count() == 0
    dialog.locator("#id_to").fill("0912 123 4567")
    dialog.locator("#id_send_at").fill("1410/01/01 10:00" if language == "fa" else "2031-03-21 10:00")
    fits(page, f"compose-sms-{language}")
    # the answer (204) asks htmx to reload the page: wait for that reload before going anywhere else
    with page.expect_navigation(), page.expect_response(_sent_form):
        dialog.locator("button[type=submit].primary").click()
    sms = Outbox.objects.get(channel="sms")
    assert (sms.to, sms.status, sms.next_attempt_at.year) == ("+989121234567", "queued", 2031)
    page.context.close()


def _sent_form(response) -> bool:
    return "/messages/new/" in response.url and response.request.method == "POST" and response.status == 204


def re_start(text):
    import re

    return re.compile("^" + re.escape(text))
