"""E-mail intake (peyvand/leads/intake.py, POST /api/v1/intake/email and ``peyvand intake-mail``): a raw
message becomes a lead once, its Persian sender name decoded, its HTML body read as text."""

import base64
import mailbox

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.contacts.services import create_contact
from peyvand.core.models import AuditEntry
from peyvand.leads.models import Lead

pytestmark = pytest.mark.django_db


def rfc2047(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def raw_message(
    *, sender="sara@example.ir", name="سارا احمدی", message_id="<m1@example.ir>", html=True, subject="قیمت"
) -> bytes:
    body = (
        "<html><head><style>p{color:red}</style></head><body><p>سلام،</p>"
        "<p>لطفاً برای <b>۲۰ کاربر</b> پیش‌فاکتور بفرستید &amp; تماس بگیرید.</p></body></html>"
        if html
        else "سلام، لطفاً تماس بگیرید."
    )
    headers = [
        f"From: {rfc2047(name)} <{sender}>" if name else f"From: {sender}",
        "To: sales@peyvand.example",
        f"Subject: {rfc2047(subject)}",
        "MIME-Version: 1.0",
        f"Content-Type: text/{'html' if html else 'plain'}; charset=utf-8",
        "Content-Transfer-Encoding: base64",
    ]
    if message_id:
        headers.insert(0, f"Message-ID: {message_id}")
    return ("\r\n".join(headers) + "\r\n\r\n" + base64.encodebytes(body.encode()).decode()).encode()


def post_mail(user, raw: bytes, content_type="message/rfc822"):
    return Client().post(
        "/api/v1/intake/email",
        raw,
        content_type=content_type,
        headers={"Authorization": f"Bearer {issue_token(user=user)}", "Accept-Language": "en"},
    )


def test_a_raw_message_becomes_a_lead_with_the_decoded_persian_name_and_the_html_body_as_text(admin):
    response = post_mail(admin, raw_message())

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert (lead.first_name, lead.last_name, lead.email) == ("سارا", "احمدی", "sara@example.ir")
    assert (lead.source, lead.source_detail, lead.message_id) == ("email", "قیمت", "<m1@example.ir>")
    assert lead.description == "قیمت\n\nسلام،\nلطفاً برای ۲۰ کاربر پیش‌فاکتور بفرستید & تماس بگیرید."
    assert "<" not in lead.description and "color" not in lead.description


def test_the_same_message_id_again_returns_the_first_lead(admin):
    first = post_mail(admin, raw_message())
    again = post_mail(admin, raw_message(name="Someone Else"), content_type="text/plain")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["lead_id"] == first.json()["lead_id"] and again.json()["created"] is False
    assert Lead.objects.count() == 1


def test_a_message_without_message_id_is_recognised_by_its_content(admin):
    raw = raw_message(message_id=None)

    assert post_mail(admin, raw).status_code == 201
    assert post_mail(admin, raw).status_code == 200
    assert Lead.objects.count() == 1


def test_a_known_sender_is_linked_to_their_contact_and_given_to_its_owner(admin, rep_b):
    contact = create_contact(
        actor=rep_b,
        values={
            "first_name": "سارا",
            "last_name": "احمدی‌نژاد",
            "title": "مدیر خرید",
            "emails": ["Sara@Example.ir"],
        },
    )

    response = post_mail(admin, raw_message(name="S. A."))

    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert lead.contact == contact
    assert (lead.first_name, lead.last_name, lead.title) == ("سارا", "احمدی‌نژاد", "مدیر خرید")
    assert lead.owner == rep_b
    assert "known contact" in lead.assignment_reason
    note = AuditEntry.objects.get(content_type__model="lead", object_id=lead.pk, action="create").note
    assert "known contact" in note


def test_a_sender_without_a_display_name_gets_the_address_as_name(admin):
    response = post_mail(admin, raw_message(name="", html=False))

    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert (lead.first_name, lead.last_name) == ("", "sara")
    assert lead.description.endswith("سلام، لطفاً تماس بگیرید.")


def test_a_message_without_a_sender_is_refused_with_a_clear_error(admin):
    response = post_mail(admin, b"Subject: hi\r\n\r\nno sender here")

    assert response.status_code == 422
    assert response.json()["code"] == "intake.no_sender"
    assert response.json()["errors"][0]["field"] == "from"
    assert Lead.objects.count() == 0


def test_only_an_administrator_or_integration_may_post_mail(rep_a):
    response = post_mail(rep_a, raw_message())

    assert response.status_code == 403
    assert (
        Client().post("/api/v1/intake/email", raw_message(), content_type="message/rfc822").status_code == 401
    )
    assert Lead.objects.count() == 0


def test_the_maildir_command_makes_leads_of_new_mail_moves_it_to_cur_and_is_safe_to_run_again(
    admin, tmp_path
):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(raw_message())
    box.add(raw_message(sender="reza@example.ir", name="رضا کریمی", message_id="<m2@example.ir>"))

    call_command("intake-mail", str(tmp_path / "inbox"))

    assert sorted(Lead.objects.values_list("email", flat=True)) == ["reza@example.ir", "sara@example.ir"]
    assert list((tmp_path / "inbox" / "new").iterdir()) == []
    assert len(list((tmp_path / "inbox" / "cur").iterdir())) == 2
    assert Lead.objects.get(email="reza@example.ir").owner == admin

    box.add(raw_message())  # the same message delivered a second time
    call_command("intake-mail", str(tmp_path / "inbox"))
    assert Lead.objects.count() == 2
    assert len(list((tmp_path / "inbox" / "cur").iterdir())) == 3


def test_the_maildir_command_leaves_unreadable_mail_in_new_and_says_so(admin, tmp_path):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(b"Subject: no sender\r\n\r\nbody")

    with pytest.raises(CommandError, match="1 messages could not be read"):
        call_command("intake-mail", str(tmp_path / "inbox"))

    assert len(list((tmp_path / "inbox" / "new").iterdir())) == 1
    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("intake-mail", str(tmp_path / "missing"))


def test_mail_for_a_pipeline_that_opens_deals_gets_a_deal(admin, pipeline):
    from peyvand.leads.models import PipelineIntake
    from peyvand.sales.models import Deal

    PipelineIntake.objects.create(pipeline=pipeline, open_deal=True)

    response = Client().post(
        f"/api/v1/intake/email?pipeline={pipeline.pk}",
        raw_message(),
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {issue_token(user=admin)}"},
    )

    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert lead.pipeline == pipeline
    assert Deal.objects.get(lead=lead).pipeline == pipeline
