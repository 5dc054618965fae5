"""Jobs of contracts and service plans that the worker runs on a schedule (imported by ``service/periodic.py``).

- Renewal: an active contract's owner is notified once, ``renewal_reminder_days`` before its end (a window up to
  the end, so a worker down that day still reminds; the notification's key names the contract and its end date,
  so a rerun sends nothing twice and an extended contract reminds again). An active contract past its end
  becomes expired.
- Service plans: a plan's due date gets its service order ``create_days_before`` it, once (``PlanVisit`` is
  unique per plan and due date, made under the plan's row lock), and the plan moves on ``every_months`` months
  from its first due date (so 31 January monthly is 28 February, then 31 March, not the 28th for ever). The
  customer is e-mailed and the owner notified ``remind_days_before`` it, once: the visit's ``reminded_at`` is
  claimed by a conditional UPDATE before anything is sent.
"""

import datetime as dt
import logging

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peyvand.billing.periodic import customer_email
from peyvand.core import jalali
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction
from peyvand.core.periodic import periodic
from peyvand.notifications.services import notify
from peyvand.service.models import TicketType
from peyvand.service.models_contracts import ContractStatus, PlanVisit, ServiceContract, ServicePlan
from peyvand.service.services_contracts import add_months

log = logging.getLogger(__name__)

RENEWAL_TITLE = gettext_noop("Contract %(number)s ends on %(end)s")
RENEWAL_BODY = gettext_noop("%(title)s: time to offer %(customer)s a renewal.")
PLAN_TITLE = gettext_noop("Planned service on %(due)s: %(subject)s")
PLAN_BODY = gettext_noop("%(customer)s; service order %(reference)s.")
# Due dates of one plan acted on in one run at most (a worker down for months catches up over a few runs).
CATCH_UP = 12


def _url(name: str, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _site_date(day: dt.date) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return jalali.format_date(day)


@periodic("contract_renewals", every=dt.timedelta(hours=1))
def remind_renewals(now: dt.datetime) -> int:
    """Notify owners of contracts coming to their end, each once per end date; expire those past it."""
    today = timezone.localdate(now)
    expired = 0
    for contract in ServiceContract.objects.filter(status=ContractStatus.ACTIVE, end_date__lt=today):
        with transaction.atomic():
            changed = ServiceContract.objects.filter(pk=contract.pk, status=ContractStatus.ACTIVE).update(
                status=ContractStatus.EXPIRED, version=contract.version + 1
            )
            if changed:
                write_audit(
                    instance=contract,
                    actor=None,
                    action=AuditAction.UPDATE,
                    changes={"status": [ContractStatus.ACTIVE, ContractStatus.EXPIRED]},
                )
                expired += 1
    reminded = 0
    ending = ServiceContract.objects.filter(
        status=ContractStatus.ACTIVE, end_date__gte=today, renewal_reminder_days__gt=0
    ).select_related("owner", "contact", "company")
    for contract in ending:
        if contract.end_date - dt.timedelta(days=contract.renewal_reminder_days) > today:
            continue
        made = notify(
            recipients=[contract.owner],
            kind="contract_renewal",
            title=RENEWAL_TITLE,
            body=RENEWAL_BODY,
            params={
                "number": contract.number,
                "end": _site_date(contract.end_date),
                "title": contract.title,
                "customer": str(contract.customer or ""),
            },
            url=_url("contracts:detail", contract.pk),
            key=f"contract-renewal:{contract.pk}:{contract.end_date.isoformat()}",
        )
        reminded += bool(made)
    return reminded + expired


# ── service plans ───────────────────────────────────────────────────────────────────────────────────────────────


def _parties(plan: ServicePlan) -> dict:
    record = plan.subject_record
    values = {"contact": record.contact, "company": record.company}
    if plan.warranty_id:
        values.update(product=plan.warranty.product, serial_number=plan.warranty.serial_number)
    return values


def _open_service_order(plan: ServicePlan, due: dt.date):
    """The service order of one due date, opened as the owner of the contract or item."""
    from peyvand.service.services_tickets import create_ticket

    record = plan.subject_record
    values = {
        **{k: v for k, v in _parties(plan).items() if v not in (None, "")},
        "subject": plan.subject,
        "type": TicketType.SERVICE_ORDER,
        "description": _("Planned service of %(record)s, due on %(due)s.")
        % {"record": str(record), "due": due.isoformat()},
    }
    return create_ticket(actor=record.owner, values=values)


def due_plans(today: dt.date):
    """Active plans whose next due date is within the longest creation window (each checked exactly below)."""
    return (
        ServicePlan.objects.filter(active=True, next_due__lte=today + dt.timedelta(days=365))
        .select_related("contract__owner", "warranty__owner", "warranty__product")
        .order_by("next_due", "id")
    )


def open_due_orders(today: dt.date) -> int:
    """Open the service order of each plan's due date that has come into its window, once per due date."""
    opened = 0
    for candidate in due_plans(today):
        for _step in range(CATCH_UP):
            with transaction.atomic():
                plan = (
                    ServicePlan.objects.select_for_update(of=("self",))
                    .select_related("contract__owner", "warranty__owner", "warranty__product")
                    .get(pk=candidate.pk)
                )
                if not plan.active or plan.next_due - dt.timedelta(days=plan.create_days_before) > today:
                    break
                due = plan.next_due
                visit, created = PlanVisit.objects.get_or_create(plan=plan, due_date=due)
                if created:
                    try:
                        with transaction.atomic():
                            visit.ticket = _open_service_order(plan, due)
                    except PeyvandError:
                        log.exception("the service order of plan %s for %s could not be opened", plan.pk, due)
                    else:
                        visit.save(update_fields=["ticket"])
                        opened += 1
                first = plan.visits.order_by("due_date").values_list("due_date", flat=True).first() or due
                count = plan.visits.count()
                plan.next_due = add_months(first, plan.every_months * count)
                plan.save(update_fields=["next_due"])
    return opened


def _customer_message(plan: ServicePlan, due: dt.date) -> tuple[str, str]:
    """Subject and text of the customer's reminder, in the site's language (customers have none of their own)."""
    from peyvand.billing.models import BillingSettings

    record = plan.subject_record
    with translation.override(django_settings.LANGUAGE_CODE):
        values = {
            "subject": plan.subject,
            "due": jalali.format_date(due),
            "customer": str(record.customer or ""),
            "seller": BillingSettings.current().seller_name,
        }
        subject = _("Planned service on %(due)s: %(subject)s") % values
        text = _(
            "Dear %(customer)s,\n\nYour planned service (%(subject)s) is due on %(due)s. We will be in touch to "
            "arrange it; if another day suits you better, please reply to this message.\n\n%(seller)s"
        )
        return subject, text % values


def send_plan_reminders(today: dt.date, now: dt.datetime) -> int:
    """E-mail the customer and notify the owner of each due date within its reminder window, once."""
    from peyvand.messaging.services import send

    visits = (
        PlanVisit.objects.filter(reminded_at__isnull=True, due_date__gte=today, plan__active=True)
        .select_related("plan__contract__owner", "plan__warranty__owner", "plan__warranty__product", "ticket")
        .order_by("due_date", "id")
    )
    sent = 0
    for visit in visits:
        plan = visit.plan
        if visit.due_date - dt.timedelta(days=plan.remind_days_before) > today:
            continue
        # The claim first: of two workers only the one whose UPDATE changed the row reminds.
        if not PlanVisit.objects.filter(pk=visit.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        key = f"service-plan:{plan.pk}:{visit.due_date.isoformat()}"
        # billing's rule for whom a customer's reminder goes to: the contact's first e-mail, else the company's
        address = customer_email(plan.subject_record)
        if address:
            subject, body = _customer_message(plan, visit.due_date)
            try:
                send(
                    channel="email",
                    to=address,
                    subject=subject,
                    body=body,
                    record_type="ticket" if visit.ticket_id else "",
                    record_id=visit.ticket_id,
                    source=key,
                )
            except Exception:
                log.exception("the reminder of plan %s for %s could not be e-mailed", plan.pk, visit.due_date)
        record = plan.subject_record
        notify(
            recipients=[record.owner],
            kind="service_plan_due",
            title=PLAN_TITLE,
            body=PLAN_BODY,
            params={
                "due": _site_date(visit.due_date),
                "subject": plan.subject,
                "customer": str(record.customer or ""),
                "reference": visit.ticket.reference if visit.ticket_id else "",
            },
            url=_url("tickets:detail", visit.ticket_id) if visit.ticket_id else "",
            key=key,
        )
        sent += 1
    return sent


@periodic("service_plans", every=dt.timedelta(hours=1))
def run_service_plans(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    return open_due_orders(today) + send_plan_reminders(today, now)
