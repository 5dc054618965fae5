"""Domain events other apps (automation, notifications) subscribe to; sent after the transaction commits."""

import contextvars

from django.db import transaction
from django.dispatch import Signal

record_created = Signal()  # sender=model class, instance, actor
record_updated = Signal()  # sender=model class, instance, actor, changes
record_deleted = Signal()  # sender=model class, instance, actor
deal_stage_changed = Signal()  # sender=Deal, deal, from_stage, to_stage, actor
lead_converted = Signal()  # sender=Lead, lead, deal, actor
lead_assigned = Signal()  # sender=Lead, lead, owner, rule (or None), reason, actor
activity_completed = Signal()  # sender=Activity, activity, actor
ticket_created = Signal()  # sender=Ticket, ticket, actor
ticket_sla_warning = (
    Signal()
)  # sender=Ticket, ticket, target ("first_response"...), actor (None: the SLA job)
ticket_sla_breached = Signal()  # sender=Ticket, ticket, target, actor (None: the SLA job)
quote_accepted = Signal()  # sender=Quote, quote, actor (None: the customer through the public link)
quote_changes_requested = Signal()  # sender=Quote, quote, actor
invoice_issued = Signal()  # sender=Invoice, invoice, actor
invoice_paid = Signal()  # sender=Invoice, invoice, actor
invoice_overdue = Signal()  # sender=Invoice, invoice, actor (None: the periodic job)
payment_recorded = Signal()  # sender=Payment, payment, actor
# sender=Outbox, message, proxy ("" or which privacy proxy it looks like), actor=None
message_opened = Signal()
message_clicked = Signal()  # sender=Outbox, message, url, actor=None
# Sent with ``send`` (not ``emit``), inside the answer's transaction: a receiver's row (analytics' survey answer)
# is written with the answer or neither is. sender=TicketSurvey, survey, ticket, contact, owner, team, csat,
# score (0–10 or None), comment, answered_at, channel
survey_answered = Signal()
# A customer's text message reached one of our SMS lines. sender=InboundSms, message (the InboundSms row),
# records (a list of ("contact"|"company"|"lead", id) whose phone is the sender's number), actor (None)
sms_received = Signal()


def emit(signal: Signal, sender, **kwargs) -> None:
    # The event is delivered in the context it was raised in, so what caused it (the chain of automation rules
    # running at the time) is still known when it arrives, however late the commit comes.
    context = contextvars.copy_context()
    transaction.on_commit(lambda: context.run(signal.send, sender=sender, **kwargs))


# A message read from a mailbox (messaging's IMAP sync), after its batch commits: sender=MailMessage, message,
# mailbox, links (the (record_type, record_id) pairs it was linked to). Apps above messaging (tickets) link it.
mail_synced = Signal()
