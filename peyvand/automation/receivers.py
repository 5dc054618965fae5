"""Domain events -> rule triggers. Each receiver runs after the event's transaction committed; a failure here is
logged and never breaks the change that raised the event."""

import functools
import logging

from peyvand.automation import engine
from peyvand.core import events

log = logging.getLogger(__name__)


def _safe(func):
    @functools.wraps(func)
    def wrapper(sender, **kwargs):
        try:
            func(sender, **kwargs)
        except Exception:
            log.exception("automation could not handle %s", func.__name__)

    return wrapper


@_safe
def on_created(sender, instance=None, **kwargs):
    engine.fire("created", instance)


@_safe
def on_updated(sender, instance=None, **kwargs):
    engine.fire("updated", instance)


@_safe
def on_stage_changed(sender, deal=None, from_stage=None, to_stage=None, **kwargs):
    if from_stage is None:
        return  # a new deal entering its first stage was created, not moved
    engine.fire("stage_changed", deal)
    if to_stage.kind == "won":
        engine.fire("deal_won", deal)
    elif to_stage.kind == "lost":
        engine.fire("deal_lost", deal)


@_safe
def on_activity_completed(sender, activity=None, **kwargs):
    engine.fire("activity_completed", activity, fired_at=activity.done_at)


@_safe
def on_lead_assigned(sender, lead=None, **kwargs):
    engine.fire("lead_assigned", lead)


@_safe
def on_ticket_created(sender, ticket=None, **kwargs):
    engine.fire("ticket_created", ticket)


@_safe
def on_ticket_sla_warning(sender, ticket=None, **kwargs):
    engine.fire("ticket_sla_warning", ticket)


@_safe
def on_ticket_sla_breached(sender, ticket=None, **kwargs):
    engine.fire("ticket_sla_breached", ticket)


@_safe
def on_quote_accepted(sender, quote=None, **kwargs):
    engine.fire("quote_accepted", quote)


@_safe
def on_invoice_issued(sender, invoice=None, **kwargs):
    engine.fire("invoice_issued", invoice)


@_safe
def on_invoice_paid(sender, invoice=None, **kwargs):
    engine.fire("invoice_paid", invoice)


@_safe
def on_invoice_overdue(sender, invoice=None, **kwargs):
    engine.fire("invoice_overdue", invoice)


@_safe
def on_payment_recorded(sender, payment=None, **kwargs):
    engine.fire("payment_recorded", payment)


def connect() -> None:
    events.record_created.connect(on_created, dispatch_uid="automation.created")
    events.record_updated.connect(on_updated, dispatch_uid="automation.updated")
    events.deal_stage_changed.connect(on_stage_changed, dispatch_uid="automation.stage_changed")
    events.activity_completed.connect(on_activity_completed, dispatch_uid="automation.activity_completed")
    events.lead_assigned.connect(on_lead_assigned, dispatch_uid="automation.lead_assigned")
    events.ticket_created.connect(on_ticket_created, dispatch_uid="automation.ticket_created")
    events.ticket_sla_warning.connect(on_ticket_sla_warning, dispatch_uid="automation.ticket_sla_warning")
    events.ticket_sla_breached.connect(on_ticket_sla_breached, dispatch_uid="automation.ticket_sla_breached")
    events.quote_accepted.connect(on_quote_accepted, dispatch_uid="automation.quote_accepted")
    events.invoice_issued.connect(on_invoice_issued, dispatch_uid="automation.invoice_issued")
    events.invoice_paid.connect(on_invoice_paid, dispatch_uid="automation.invoice_paid")
    events.invoice_overdue.connect(on_invoice_overdue, dispatch_uid="automation.invoice_overdue")
    events.payment_recorded.connect(on_payment_recorded, dispatch_uid="automation.payment_recorded")
