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


def test_the_maildir_command_moves_unreadable_mail_to_the_failed_folder_and_says_so(admin, tmp_path):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(b"Subject: no sender\r\n\r\nbody")

    with pytest.raises(CommandError, match="1 messages could not be read; they were moved to .*failed"):
        call_command("intake-mail", str(tmp_path / "inbox"))

    assert list((tmp_path / "inbox" / "new").iterdir()) == []
    assert len(list((tmp_path / "inbox" / ".failed" / "new").iterdir())) == 1
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


# --- messages with bytes no charset explains ---------------------------------------------------------------------

LATIN1_HEADERS = (
    b"Message-ID: <latin1@example.es>\r\n"
    b"From: Jos\xe9 Garc\xeda <jose@example.es>\r\n"
    b"To: sales@peyvand.example\r\n"
    b"Subject: Precio para el a\xf1o\r\n"
    b"\r\n"
    b"Hola, \xbfme llaman? Gracias.\r\n"
)
BROKEN_ENCODED_WORDS = (
    b"Message-ID: <broken@example.ir>\r\n"
    b"From: =?utf-8?b?!!!not-base64?= =?x-unknown?q?abc?= <broken@example.ir>\r\n"
    b"Subject: =?utf-8?q?caf=E9_=FF=FE?= =?utf-8?b?2LPZhNin2YU=?=\r\n"
    b"Content-Type: text/plain; charset=x-no-such-charset\r\n"
    b"\r\n"
    b"caf\xe9 \xff\xfe\r\n"
)
GARBAGE_WITH_SENDER = (
    b"From: \x00\xff\xfe\x80 <garbage@example.ir>\r\n"
    b"Subject: \x00\x01\x02\xc3\x28\xa0\xa1\xe2\x28\xa1\r\n"
    b"X-Binary: \xde\xad\xbe\xef\x00\r\n"
    b"\r\n" + bytes(range(256)) * 4
)
GARBAGE = bytes(range(255, -1, -1)) * 8


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        (LATIN1_HEADERS, "jose@example.es"),
        (BROKEN_ENCODED_WORDS, "broken@example.ir"),
        (GARBAGE_WITH_SENDER, "garbage@example.ir"),
    ],
    ids=["latin1-headers", "broken-encoded-words", "binary-garbage"],
)
def test_a_message_with_undecodable_bytes_still_becomes_a_lead(raw, sender, admin):
    response = post_mail(admin, raw)

    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert lead.email == sender
    for text in (lead.first_name, lead.last_name, lead.description, lead.source_detail):
        assert "\x00" not in text
        text.encode("utf-8")  # stored text is valid Unicode (no lone surrogates)
    assert post_mail(admin, raw).status_code == 200  # the same message again is recognised


def test_the_latin1_message_keeps_what_can_be_read(admin):
    lead = Lead.objects.get(pk=post_mail(admin, LATIN1_HEADERS).json()["lead_id"])

    assert lead.first_name.startswith("Jos") and lead.last_name.startswith("Garc")
    assert "Precio para el a" in lead.source_detail
    assert "Hola" in lead.description and "Gracias" in lead.description


def test_binary_garbage_without_a_sender_is_a_clear_error_not_a_crash(admin):
    response = post_mail(admin, GARBAGE)

    assert response.status_code == 422
    assert response.json()["code"] == "intake.no_sender"
    assert Lead.objects.count() == 0


def test_the_maildir_run_moves_a_failing_message_aside_and_goes_on(admin, tmp_path, capsys):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(raw_message())
    box.add(LATIN1_HEADERS)
    bad = box.add(b"Subject: no sender\r\n\r\nbody")
    box.add(GARBAGE_WITH_SENDER)
    box.add(raw_message(sender="reza@example.ir", name="رضا کریمی", message_id="<m2@example.ir>"))

    with pytest.raises(CommandError, match="1 messages could not be read"):
        call_command("intake-mail", str(tmp_path / "inbox"))

    assert sorted(Lead.objects.values_list("email", flat=True)) == [
        "garbage@example.ir",
        "jose@example.es",
        "reza@example.ir",
        "sara@example.ir",
    ]
    assert list((tmp_path / "inbox" / "new").iterdir()) == []
    assert len(list((tmp_path / "inbox" / "cur").iterdir())) == 4
    failed = mailbox.Maildir(tmp_path / "inbox").get_folder("failed")
    assert [m["Subject"] for m in failed] == ["no sender"]
    out = capsys.readouterr()
    assert bad in out.err and ".failed" in out.err and "no sender address" in out.err
    assert "4 leads created, 0 already received, 1 failed" in out.out

    call_command("intake-mail", str(tmp_path / "inbox"))  # the next run has nothing left to fail on
    assert Lead.objects.count() == 4
