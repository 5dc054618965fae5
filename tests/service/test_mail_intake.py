"""Customers' e-mail to the service desk (service/mail.py through POST /api/v1/intake/email): mail to a support
address opens a ticket for the queue's least busy agent, the agent's reply goes out over SMTP (a real aiosmtpd
server) and the customer's answer to it threads back onto the ticket; mail to anyone else still becomes a lead."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.leads.models import Lead
from peyvand.service import services_tickets
from peyvand.service.models import MessageKind, SupportAddress, Ticket, TicketStatus

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP server's received messages, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def mail(
    *, subject="Printer is broken", body="It prints blank pages.", to="support@peyvand.example", **headers
):
    lines = [
        "From: Sara Karimi <sara@example.com>",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: {headers.pop('message_id', '<first@example.com>')}",
        *(f"{name.replace('_', '-').title()}: {value}" for name, value in headers.items()),
        "Content-Type: text/plain; charset=utf-8",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def post(admin, raw: bytes):
    return Client().post(
        "/api/v1/intake/email",
        raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {issue_token(user=admin)}", "Accept-Language": "en"},
    )


@pytest.fixture
def desk(team_a, agent_a, agent_a2, customer):
    SupportAddress.objects.create(address="support@peyvand.example", team=team_a, priority="high")
    # agent_a already works one open ticket: new mail goes to agent_a2
    services_tickets.create_ticket(actor=agent_a, values={"subject": "Older", "contact": customer})


def test_a_customer_writes_support_the_agent_answers_and_the_customers_reply_threads_back(
    admin, desk, agent_a2, customer, smtp
):
    opened = post(admin, mail())
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["record_type"] == "ticket" and body["lead_id"] is None
    ticket = Ticket.objects.get(pk=body["record_id"])
    assert (ticket.owner, ticket.team, ticket.channel, ticket.priority) == (
        agent_a2,
        agent_a2.team,
        "email",
        "high",
    )
    assert ticket.contact == customer and ticket.customer_email == "sara@example.com"
    assert "blank pages" in ticket.description and not Lead.objects.exists()
    assert post(admin, mail()).json() == {
        **body,
        "created": False,
        "message": "This message was already received.",
    }

    services_tickets.reply(actor=agent_a2, ticket=ticket, body="Please restart it and tell us.")
    (sent,) = [m for m in smtp.messages if m["To"] == "sara@example.com"]
    assert f"[#{ticket.pk}]" in sent["Subject"] and sent["Message-ID"]
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None and ticket.status == TicketStatus.OPEN

    answer = post(
        admin,
        mail(
            subject=f"Re: {sent['Subject']}",
            body="Restarted, still blank.",
            to="Peyvand <replies@peyvand.example>",  # not the support address: the thread is what counts
            message_id="<second@example.com>",
            in_reply_to=sent["Message-ID"],
            references=f"<first@example.com> {sent['Message-ID']}",
        ),
    )
    assert answer.status_code == 201 and answer.json()["record_id"] == ticket.pk
    kinds = list(ticket.messages.values_list("kind", "body"))
    assert kinds == [
        (MessageKind.REPLY, "Please restart it and tell us."),
        (MessageKind.CUSTOMER, "Restarted, still blank."),
    ]
    assert Ticket.objects.count() == 2 and not Lead.objects.exists()


def test_the_reference_in_the_subject_threads_only_the_tickets_own_customer(admin, desk, agent_a2):
    ticket = Ticket.objects.get(pk=post(admin, mail()).json()["record_id"])
    same = mail(subject=f"Re: [#{ticket.pk}] Printer", body="Any news?", message_id="<third@example.com>")
    assert post(admin, same).json()["record_id"] == ticket.pk
    stranger = same.replace(b"sara@example.com", b"eve@example.org").replace(b"<third@", b"<fourth@")
    other = post(admin, stranger).json()
    assert other["record_type"] == "ticket" and other["record_id"] != ticket.pk
    assert Ticket.objects.get(pk=other["record_id"]).subject == "Re: Printer"  # no other ticket's reference


def test_an_answer_to_a_closed_ticket_opens_a_new_one_that_names_it(admin, desk, agent_a2):
    ticket = Ticket.objects.get(pk=post(admin, mail()).json()["record_id"])
    for status in ("resolved", "closed"):
        ticket = services_tickets.change_status(
            actor=agent_a2, ticket=ticket, status=status, version=ticket.version
        )
    later = post(admin, mail(subject=f"Re: [#{ticket.pk}] Printer", message_id="<later@example.com>"))
    new = Ticket.objects.get(pk=later.json()["record_id"])
    assert new.pk != ticket.pk and f"#{ticket.pk}" in new.description
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.messages.count() == 0


def test_mail_to_another_address_still_becomes_a_lead(admin, desk):
    answer = post(admin, mail(to="sales@peyvand.example", message_id="<sales@example.com>"))
    assert answer.status_code == 201
    assert answer.json()["record_type"] == "lead" and answer.json()["lead_id"] == answer.json()["record_id"]
    assert Lead.objects.count() == 1 and Ticket.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_the_same_mail_delivered_twice_at_once_opens_one_ticket_and_threads_one_message(
    admin, desk, agent_a2
):
    import threading

    from peyvand.leads.intake import intake_email

    def together(raw: bytes) -> list:
        barrier, results = threading.Barrier(2), []

        def one():
            try:
                barrier.wait()
                results.append(intake_email(actor=admin, raw=raw))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    results = together(mail(message_id="<twice@example.com>"))
    assert not [r for r in results if isinstance(r, Exception)], results
    tickets = Ticket.objects.filter(message_id="<twice@example.com>")
    assert tickets.count() == 1 and sorted(created for _, created in results) == [False, True]
    ticket = tickets.get()
    answers = together(mail(subject=f"Re: [#{ticket.pk}] x", message_id="<again@example.com>"))
    assert not [r for r in answers if isinstance(r, Exception)], answers
    assert ticket.messages.filter(message_id="<again@example.com>").count() == 1


def report(admin, metric):
    answer = Client().get(
        f"/api/v1/reports/{metric}",
        headers={"Authorization": f"Bearer {issue_token(user=admin)}", "Accept-Language": "en"},
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["data"]["total"]


def test_after_the_thread_comes_back_the_agent_resolves_and_the_customers_survey_answer_moves_the_figures(
    admin, desk, agent_a2, smtp
):
    ticket = Ticket.objects.get(pk=post(admin, mail()).json()["record_id"])
    services_tickets.reply(actor=agent_a2, ticket=ticket, body="Please restart it and tell us.")
    (sent,) = [m for m in smtp.messages if m["To"] == "sara@example.com"]
    post(
        admin,
        mail(
            subject=f"Re: {sent['Subject']}",
            body="Restarted, it works now. Thanks!",
            message_id="<second@example.com>",
            in_reply_to=sent["Message-ID"],
        ),
    )
    assert ticket.messages.filter(kind=MessageKind.CUSTOMER).count() == 1
    nps_before, service_before = report(admin, "nps"), report(admin, "service-performance")
    assert (nps_before["answers"], service_before["resolved"], service_before["fcr"]) == (0, 0, 0)

    ticket.refresh_from_db()
    services_tickets.change_status(actor=agent_a2, ticket=ticket, status="resolved", version=ticket.version)
    (survey_mail,) = [m for m in smtp.messages if "/survey/" in m.get_content()]
    assert survey_mail["To"] == "sara@example.com" and f"[#{ticket.pk}]" in survey_mail["Subject"]
    link = next(word for word in survey_mail.get_content().split() if "/survey/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]

    browser = Client()
    page = browser.get(f"/{path}")
    assert page.status_code == 200 and b'name="nps"' in page.content
    answered = browser.post(f"/{path}", {"csat": "5", "nps": "10", "comment": "Fast, thank you."})
    assert answered.status_code == 200 and b'id="survey-thanks"' in answered.content

    nps_after, service_after = report(admin, "nps"), report(admin, "service-performance")
    assert (nps_after["answers"], nps_after["promoters"], nps_after["nps"]) == (1, 1, 100)
    assert (service_after["resolved"], service_after["fcr"], service_after["fcr_rate"]) == (1, 1, 100)
    assert (service_after["csat_answers"], service_after["csat_average"]) == (1, 5)
