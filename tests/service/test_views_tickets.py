"""The ticket's pages through the Django test client: the conversation with internal notes set apart, replies
and notes by htmx, status buttons, merge and split, the queue per team, the service hub, the customer's open
tickets on their page; another team's agent gets 404."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from peyvand.messaging.models import Outbox
from peyvand.service import services_tickets as svc
from peyvand.service.models import MessageKind, Ticket, TicketStatus

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_page_shows_the_conversation_with_internal_notes_set_apart(ticket, agent_a):
    svc.add_customer_message(ticket=ticket, body="It prints blank pages", from_address="sara@example.com")
    svc.add_note(actor=agent_a, ticket=ticket, body="Toner recall batch 7")
    page = _client(agent_a).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'class="ticket-message kind-customer"' in page and "It prints blank pages" in page
    note_at = page.index('class="ticket-message kind-note"')
    assert "Internal note" in page[note_at : note_at + 400] and "Toner recall batch 7" in page[note_at:]
    assert 'id="ticket-reply-form"' in page and 'id="ticket-note-form"' in page
    assert 'data-status="resolved"' in page


def test_a_reply_by_htmx_answers_the_work_section_and_emails_only_the_reply(ticket, agent_a):
    client = _client(agent_a)
    client.post(reverse("tickets:note", args=[ticket.pk]), {"body": "Secret: customer owes us"}, headers=HTMX)
    answer = client.post(
        reverse("tickets:reply", args=[ticket.pk]), {"body": "Please try again"}, headers=HTMX
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section class="ticket-work"')
    assert "Please try again" in html and "Secret: customer owes us" in html  # the team sees both
    (sent,) = mail.outbox
    assert sent.subject == f"[#{ticket.pk}] The printer does not print"
    assert "Secret" not in sent.body and "Secret" not in sent.subject
    assert not Outbox.objects.filter(body__contains="Secret").exists()  # nothing the customer gets
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_an_empty_reply_is_refused_in_the_section_naming_the_problem(ticket, agent_a):
    answer = _client(agent_a).post(reverse("tickets:reply", args=[ticket.pk]), {"body": "  "}, headers=HTMX)
    assert answer.status_code == 200 and 'id="ticket-errors"' in answer.content.decode()
    assert "This field is required." in answer.content.decode() and not mail.outbox


def test_status_buttons_resolve_and_reopen(ticket, agent_a):
    client = _client(agent_a)
    url = reverse("tickets:status", args=[ticket.pk])
    answer = client.post(url, {"status": "resolved", "version": ticket.version})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    html = client.post(url, {"status": "reopened", "version": ticket.version}, headers=HTMX).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED and 'data-status="resolved"' in html


def test_another_teams_agent_gets_404_and_changes_nothing(ticket, agent_b):
    client = _client(agent_b)
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
    for name, data in [("tickets:reply", {"body": "x"}), ("tickets:note", {"body": "x"})]:
        assert client.post(reverse(name, args=[ticket.pk]), data).status_code == 404
    assert not ticket.messages.exists() and not mail.outbox


def test_a_rep_reads_the_ticket_without_the_queues_forms(rep_a):
    ticket = svc.create_ticket(
        actor=rep_a, values={"subject": "Customer called", "customer_email": "c@x.com"}
    )
    client = _client(rep_a)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "Customer called" in page and 'id="ticket-reply-form"' not in page
    assert client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "x"}).status_code == 403


def test_merge_and_split_from_the_page(ticket, agent_a):
    client = _client(agent_a)
    duplicate = svc.create_ticket(actor=agent_a, values={"subject": "Printer (again)"})
    page = client.get(reverse("tickets:detail", args=[duplicate.pk])).content.decode()
    assert f'<option value="{ticket.pk}">' in page
    answer = client.post(reverse("tickets:merge", args=[duplicate.pk]), {"target": ticket.pk})
    assert answer.status_code == 302 and answer["Location"] == reverse("tickets:detail", args=[ticket.pk])
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == ticket.pk

    first = svc.add_customer_message(ticket=ticket, body="First", from_address="sara@example.com")
    second = svc.add_customer_message(ticket=ticket, body="Second topic", from_address="sara@example.com")
    assert first.pk
    answer = client.post(
        reverse("tickets:split", args=[ticket.pk]), {"message": second.pk, "subject": "Second topic"}
    )
    new = Ticket.objects.get(split_from=ticket)
    assert answer["Location"] == reverse("tickets:detail", args=[new.pk])
    assert list(new.messages.values_list("kind", flat=True)) == [MessageKind.CUSTOMER]


def test_the_queue_counts_by_status_and_sla_and_links_to_the_filtered_list(ticket, agent_a, agent_b, team_a):
    svc.create_ticket(actor=agent_b, values={"subject": "Other team's"})
    page = _client(agent_a).get(reverse("tickets:queue")).content.decode()
    assert page.count('class="card queue-team"') == 1 and "Tehran" in page
    assert f"?status=new&amp;team={team_a.pk}" in page and f"?sla_state=breached&amp;team={team_a.pk}" in page
    listed = _client(agent_a).get(reverse("tickets:list") + f"?status=new&team={team_a.pk}").content.decode()
    assert "The printer does not print" in listed and "Other team" not in listed


def test_the_queue_and_hub_are_in_persian_with_persian_digits(ticket, agent_a):
    page = _client(agent_a, "fa").get(reverse("tickets:queue")).content.decode()
    assert "صف" in page and "۱" in page
    hub = _client(agent_a, "fa").get(reverse("service:home")).content.decode()
    assert "پشتیبانی" in hub and reverse("tickets:queue") in hub


def test_the_customers_open_tickets_show_on_their_page_for_whoever_sees_the_customer(admin, agent_a, rep_a):
    from peyvand.contacts.services import create_contact

    customer = create_contact(actor=rep_a, values={"last_name": "Moradi"})
    ticket = svc.create_ticket(actor=agent_a, values={"subject": "Broken lamp", "contact": customer.pk})
    page = _client(rep_a).get(reverse("contacts:detail", args=[customer.pk])).content.decode()
    section = page[page.index('id="customer-tickets"') :]
    assert "Broken lamp" in section
    # the rep sees that the ticket exists; its page is the support team's
    assert reverse("tickets:detail", args=[ticket.pk]) not in section
    svc.change_status(actor=agent_a, ticket=ticket, status="resolved", version=ticket.version)
    page = _client(rep_a).get(reverse("contacts:detail", args=[customer.pk])).content.decode()
    assert 'id="customer-tickets"' not in page


def test_the_page_suggests_published_articles_from_the_tickets_words_to_those_who_answer(
    ticket, agent_a, rep_a
):
    from peyvand.service.models import ArticleAudience
    from tests.service.kb_factories import article

    public = article(
        agent_a,
        title="Printer prints blank pages",
        body="Shake the toner.",
        publish=True,
        audience=ArticleAudience.PUBLIC,
    )
    internal = article(agent_a, title="Printer recall list", body="Batch 7.", publish=True)
    article(agent_a, title="Printer draft", body="Not yet.", publish=False)
    page = _client(agent_a).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    aside = page[page.index('id="ticket-articles"') :]
    assert f'data-article="{public.pk}"' in aside and f'data-article="{internal.pk}"' in aside
    assert "Printer draft" not in aside
    assert reverse("help:article", args=[public.pk]) in aside  # a link the customer can open
    assert reverse("help:article", args=[internal.pk]) not in aside  # never a public link to an internal one
    own = svc.create_ticket(actor=rep_a, values={"subject": "Printer broken", "customer_email": "c@x.com"})
    rep_page = _client(rep_a).get(reverse("tickets:detail", args=[own.pk])).content.decode()
    assert (
        "Printer broken" in rep_page and 'id="ticket-articles"' not in rep_page
    )  # a rep reads, does not answer


def test_a_customers_page_opens_a_phone_ticket_in_one_click_and_a_call_offers_its_ticket(
    admin, agent_a, customer
):
    from peyvand.activities.services import create_activity

    client = _client(admin)
    page = client.get(reverse("contacts:detail", args=[customer.pk])).content.decode()
    link = reverse("tickets:create") + f"?contact={customer.pk}&amp;channel=phone"
    assert 'id="new-phone-ticket"' in page and link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="phone" selected' in form and f'value="{customer.pk}" selected' in form
    answer = client.post(
        reverse("tickets:create"),
        {
            "subject": "Called: invoice is wrong",
            "contact": customer.pk,
            "channel": "phone",
            "priority": "normal",
            "type": "question",
            "language": "fa",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="Called: invoice is wrong")
    assert (ticket.channel, ticket.contact, ticket.owner) == ("phone", customer, admin)

    call = create_activity(
        actor=admin,
        values={
            "kind": "call",
            "subject": "Printer noise",
            "notes": "Loud since Monday",
            "record_type": "contact",
            "record_id": customer.pk,
        },
    )
    call_page = _client(admin).get(reverse("activities:detail", args=[call.pk])).content.decode()
    offer = call_page[call_page.index('id="ticket-from-call"') :]
    assert "channel=phone&amp;contact=" in offer and "subject=Printer%20noise" in offer
    assert "description=Loud%20since%20Monday" in offer


def test_the_tickets_heading_keeps_its_reference_in_the_pages_digits_and_isolates_the_subject(agent_a):
    persian = svc.create_ticket(actor=agent_a, values={"subject": "چاپگر خاموش است"})
    page = _client(agent_a, "fa").get(reverse("tickets:detail", args=[persian.pk])).content.decode()
    digits = str(persian.pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"<h1>#{digits} <bdi>چاپگر خاموش است</bdi></h1>" in page
    edit = _client(agent_a, "en").get(reverse("tickets:edit", args=[persian.pk])).content.decode()
    assert f"#{persian.pk} <bdi>چاپگر خاموش است</bdi>" in edit
