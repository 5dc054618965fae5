"""Tickets (service/services_tickets.py): created, answered by e-mail, noted internally, moved through their
statuses, merged and split; seen by their queue."""

import pytest
from django.core import mail

from peyvand.accounts.models import Role
from peyvand.core import events
from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.messaging.models import Outbox
from peyvand.service import services_tickets as svc
from peyvand.service.models import MessageKind, Ticket, TicketStatus
from peyvand.service.selectors_tickets import queue_counts, tickets_visible_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_ticket_is_in_its_owners_queue_and_found_by_reference_and_customer(ticket, agent_a, customer):
    assert ticket.team_id == agent_a.team_id and ticket.status == TicketStatus.NEW
    assert ticket.company is None and ticket.contact == customer
    for words in (f"#{ticket.pk}", "karimi", "sara@example.com", "printer"):
        assert words.lower().lstrip("#") in ticket.search_text or words in ticket.search_text


def test_a_persian_subject_is_found_with_arabic_letters(agent_a):
    ticket = svc.create_ticket(actor=agent_a, values={"subject": "چاپگر کار نمی‌کند"})
    found = tickets_visible_to(agent_a).filter(search_text__contains="چاپگر")
    assert list(found) == [ticket]
    assert "كار" not in ticket.search_text  # the Arabic kaf was folded to the Persian one


def test_ticket_created_is_sent_after_commit_with_the_ticket_and_actor(
    agent_a, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, ticket=None, actor=None, **kwargs):
        heard.append((sender, ticket.subject, actor))

    events.ticket_created.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            svc.create_ticket(actor=agent_a, values={"subject": "Broken screen"})
    finally:
        events.ticket_created.disconnect(listener)
    assert heard == [(Ticket, "Broken screen", agent_a)]


def test_a_ticket_opened_into_a_queue_stays_there(rep_a, team_b):
    ticket = svc.create_ticket(actor=rep_a, values={"subject": "Install the router", "team": team_b.pk})
    assert ticket.team == team_b and ticket.owner == rep_a
    assert ticket in tickets_visible_to(rep_a)  # the rep who opened it still sees it


def test_an_inactive_user_may_not_open_tickets(team_a):
    gone = UserFactory(username="gone", role=Role.SUPPORT_AGENT, team=team_a, is_active=False)
    with pytest.raises(PeyvandError) as refused:
        svc.create_ticket(actor=gone, values={"subject": "x"})
    assert refused.value.status == 403


def test_the_queue_sees_the_team_and_nothing_of_another_team(
    ticket, agent_a2, agent_b, support_manager_a, rep_a2
):
    assert ticket in tickets_visible_to(agent_a2)  # a colleague in the queue picks it up
    assert ticket in tickets_visible_to(support_manager_a)
    assert ticket not in tickets_visible_to(agent_b)
    assert not support_manager_a.is_manager  # no sales manager's rights


def test_a_reply_emails_the_customer_with_the_reference_and_threads_by_message_id(ticket, agent_a):
    message = svc.reply(actor=agent_a, ticket=ticket, body="We are on it.")
    (sent,) = mail.outbox
    assert sent.to == ["sara@example.com"] and sent.subject == f"[#{ticket.pk}] The printer does not print"
    assert sent.extra_headers["Message-ID"] == message.message_id and message.message_id.startswith("<")
    outbox = Outbox.objects.get()
    assert outbox.record_type == "ticket" and outbox.record_id == ticket.pk
    assert outbox.subject.startswith(f"[#{ticket.pk}]") and outbox.headers["Message-ID"] == message.message_id
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.agent_replies == 1
    first = ticket.first_responded_at
    assert first is not None
    svc.reply(actor=agent_a, ticket=ticket, body="Fixed?")
    ticket.refresh_from_db()
    assert ticket.agent_replies == 2 and ticket.first_responded_at == first


def test_a_reply_answers_the_customers_last_message(ticket, agent_a):
    svc.add_customer_message(
        ticket=ticket, body="Still broken", from_address="sara@example.com", message_id="<c1@example.com>"
    )
    svc.reply(actor=agent_a, ticket=ticket, body="Trying again")
    (sent,) = mail.outbox
    assert sent.extra_headers["In-Reply-To"] == "<c1@example.com>"
    assert "<c1@example.com>" in sent.extra_headers["References"]


def test_a_reply_without_an_address_is_refused_and_nothing_is_kept(agent_a):
    ticket = svc.create_ticket(actor=agent_a, values={"subject": "Phone call"})
    with pytest.raises(PeyvandError) as refused:
        svc.reply(actor=agent_a, ticket=ticket, body="Hello")
    assert refused.value.code == "ticket.no_recipient" and not ticket.messages.exists() and not mail.outbox


def test_an_internal_note_is_never_emailed(ticket, agent_a):
    note = svc.add_note(actor=agent_a, ticket=ticket, body="Customer is on the old firmware")
    assert note.kind == MessageKind.NOTE and not note.is_public
    assert not mail.outbox and not Outbox.objects.exists()


def test_a_rep_reads_but_does_not_work_the_queue(rep_a):
    ticket = svc.create_ticket(actor=rep_a, values={"subject": "Needs a call back"})
    assert ticket in tickets_visible_to(rep_a)
    for write in (
        lambda: svc.reply(actor=rep_a, ticket=ticket, body="x"),
        lambda: svc.add_note(actor=rep_a, ticket=ticket, body="x"),
        lambda: svc.change_status(actor=rep_a, ticket=ticket, status="resolved", version=ticket.version),
    ):
        with pytest.raises(PeyvandError) as refused:
            write()
        assert refused.value.status == 403


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["open", "waiting_customer", "open", "resolved", "closed"], None),
        (["open", "resolved"], None),
        (["closed", "resolved"], "resolved"),
        (["resolved", "waiting_customer"], "waiting_customer"),
    ],
)
def test_status_moves_follow_the_allowed_transitions(ticket, agent_a, path, refused):
    for status in path:
        if status == refused:
            with pytest.raises(PeyvandError) as error:
                svc.change_status(actor=agent_a, ticket=ticket, status=status, version=ticket.version)
            assert error.value.code == "ticket.bad_transition" and error.value.status == 409
            return
        ticket = svc.change_status(actor=agent_a, ticket=ticket, status=status, version=ticket.version)
        assert ticket.status == status
    assert refused is None


def test_resolving_then_reopening_counts_the_reopen_and_is_audited(ticket, agent_a):
    ticket = svc.change_status(actor=agent_a, ticket=ticket, status="resolved", version=ticket.version)
    assert ticket.resolved_at is not None
    ticket = svc.change_status(actor=agent_a, ticket=ticket, status="open", version=ticket.version)
    assert ticket.status == TicketStatus.REOPENED and ticket.reopen_count == 1 and ticket.resolved_at is None
    ticket = svc.change_status(actor=agent_a, ticket=ticket, status="closed", version=ticket.version)
    assert ticket.closed_at is not None
    moves = [e.changes["status"] for e in audit_for(ticket).order_by("at", "id") if "status" in e.changes]
    assert moves[1:] == [["new", "resolved"], ["resolved", "reopened"], ["reopened", "closed"]]


def test_a_stale_version_is_refused(ticket, agent_a):
    svc.change_status(actor=agent_a, ticket=ticket, status="open", version=ticket.version)
    with pytest.raises(PeyvandError) as refused:
        svc.change_status(actor=agent_a, ticket=ticket, status="resolved", version=ticket.version)
    assert refused.value.status == 409


def test_the_customer_writing_back_reopens_or_resumes_and_is_recorded_once(ticket, agent_a):
    ticket = svc.change_status(
        actor=agent_a, ticket=ticket, status="waiting_customer", version=ticket.version
    )
    first = svc.add_customer_message(
        ticket=ticket, body="Here is the photo", from_address="Sara@Example.com", message_id="<m1@x>"
    )
    again = svc.add_customer_message(
        ticket=ticket, body="Here is the photo", from_address="sara@example.com", message_id="<m1@x>"
    )
    assert first.pk == again.pk and ticket.messages.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.last_customer_message_at is not None
    ticket = svc.change_status(actor=agent_a, ticket=ticket, status="resolved", version=ticket.version)
    svc.add_customer_message(ticket=ticket, body="It broke again", from_address="sara@example.com")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REOPENED and ticket.reopen_count == 1


def test_merging_moves_the_messages_and_closes_the_source(ticket, agent_a, customer):
    duplicate = svc.create_ticket(actor=agent_a, values={"subject": "Printer again", "contact": customer})
    svc.add_customer_message(ticket=duplicate, body="Same problem", from_address="sara@example.com")
    target = svc.merge_tickets(actor=agent_a, source=duplicate, target=ticket)
    duplicate.refresh_from_db()
    assert duplicate.status == TicketStatus.CLOSED and duplicate.merged_into == target
    assert not duplicate.messages.exists()
    kinds = list(target.messages.values_list("kind", flat=True))
    assert kinds == [MessageKind.CUSTOMER, MessageKind.NOTE]
    assert any("Merged into" in e.note for e in audit_for(duplicate))
    assert any("merged into this ticket" in e.note for e in audit_for(target))
    with pytest.raises(PeyvandError) as refused:
        svc.reply(actor=agent_a, ticket=duplicate, body="x")
    assert refused.value.code == "ticket.merged"
    # mail for the merged ticket lands on the one it was merged into
    svc.add_customer_message(ticket=duplicate, body="Any news?", from_address="sara@example.com")
    assert target.messages.filter(body="Any news?").exists()


def test_a_ticket_is_not_merged_into_itself(ticket, agent_a):
    with pytest.raises(PeyvandError) as refused:
        svc.merge_tickets(actor=agent_a, source=ticket, target=ticket)
    assert refused.value.errors[0]["field"] == "target"


def test_splitting_makes_a_new_ticket_from_one_message(ticket, agent_a, customer):
    svc.add_customer_message(ticket=ticket, body="First question", from_address="sara@example.com")
    second = svc.add_customer_message(
        ticket=ticket, body="Also: my invoice?", from_address="sara@example.com"
    )
    new = svc.split_ticket(actor=agent_a, ticket=ticket, message=second, subject="Invoice question")
    second.refresh_from_db()
    assert new.split_from == ticket and second.ticket == new and new.contact == customer
    assert new.description == "Also: my invoice?" and new.team_id == ticket.team_id
    assert ticket.messages.filter(kind=MessageKind.NOTE, body__contains=f"#{new.pk}").exists()


def test_a_ticket_is_linked_to_a_deal(ticket, agent_a, pipeline):
    from peyvand.sales.services import create_deal

    deal = create_deal(actor=agent_a, values={"title": "Printer service contract"})
    ticket = svc.update_ticket(actor=agent_a, ticket=ticket, version=ticket.version, values={"deal": deal.pk})
    assert ticket.deal == deal
    assert any(e.changes.get("deal") == [None, deal.pk] for e in audit_for(ticket))


def test_queue_counts_by_status_and_sla_in_a_fixed_number_of_queries(
    ticket, agent_a, agent_b, django_assert_num_queries
):
    svc.create_ticket(actor=agent_a, values={"subject": "Second"})
    svc.create_ticket(actor=agent_b, values={"subject": "Other team"})
    with django_assert_num_queries(3):
        rows = queue_counts(agent_a)
    (row,) = rows
    assert row.team_id == agent_a.team_id and row.by_status == {"new": 2} and row.open == 2
    assert sum(row.by_sla.values()) == 2


def test_a_support_manager_hands_the_queues_tickets_to_their_team_only(
    ticket, support_manager_a, agent_a2, agent_b
):
    ticket = svc.update_ticket(
        actor=support_manager_a, ticket=ticket, version=ticket.version, values={"owner": agent_a2.pk}
    )
    assert ticket.owner == agent_a2 and ticket.team_id == agent_a2.team_id
    with pytest.raises(PeyvandError) as refused:
        svc.update_ticket(
            actor=support_manager_a, ticket=ticket, version=ticket.version, values={"owner": agent_b.pk}
        )
    assert refused.value.errors[0]["field"] == "owner"


def test_an_agent_picks_up_a_colleagues_ticket_but_hands_nothing_to_others(ticket, agent_a, agent_a2):
    ticket = svc.update_ticket(
        actor=agent_a2, ticket=ticket, version=ticket.version, values={"owner": agent_a2.pk}
    )
    assert ticket.owner == agent_a2
    with pytest.raises(PeyvandError):
        svc.update_ticket(actor=agent_a2, ticket=ticket, version=ticket.version, values={"owner": agent_a.pk})


def test_the_support_roles_are_not_sales_managers(support_manager_a, agent_a, manager_a):
    from peyvand.core.permissions import can_choose_owner

    assert (
        support_manager_a.is_support_manager
        and support_manager_a.is_support
        and not support_manager_a.is_manager
    )
    assert agent_a.is_support and not agent_a.is_support_manager and not agent_a.is_manager
    assert not manager_a.is_support
    assert can_choose_owner(support_manager_a) and not can_choose_owner(agent_a)


def test_a_rep_edits_their_ticket_but_does_not_move_it_to_another_queue(rep_a, team_a, team_b):
    ticket = svc.create_ticket(actor=rep_a, values={"subject": "Call back"})
    ticket = svc.update_ticket(
        actor=rep_a,
        ticket=ticket,
        version=ticket.version,
        values={"subject": "Call back today", "team": team_a.pk},
    )
    assert ticket.subject == "Call back today"
    with pytest.raises(PeyvandError) as refused:
        svc.update_ticket(actor=rep_a, ticket=ticket, version=ticket.version, values={"team": team_b.pk})
    assert refused.value.errors[0]["field"] == "team"
