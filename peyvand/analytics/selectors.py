"""Reading reports: a scope from request parameters, then a registered report run over it.

The API and the pages both come here, so a report's parameters are parsed and refused the same way everywhere.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.analytics import (  # noqa: F401  (they register their reports)
    abtest,
    activity,
    billing_receivables,
    billing_revenue,
    cac,
    capacity,
    churn,
    customer_value,
    cycle,
    forecast,
    funnel,
    key_accounts,
    leads,
    nps,
    outcomes,
    pacing,
    pipeline,
    service,
)
from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.analytics.registry import REPORTS, Report
from peyvand.analytics.scope import CUSTOMER_CURRENT, CUSTOMER_NEW, Scope
from peyvand.contacts.models import Company
from peyvand.core import periods
from peyvand.core.errors import NotFound, ValidationFailed
from peyvand.core.jalali import DateOutOfRange, parse_date
from peyvand.core.text import to_ascii_digits

SCOPE_PARAMS = (
    "start",
    "end",
    "period_kind",
    "year",
    "number",
    "team",
    "rep",
    "pipeline",
    "product",
    "category",
)
SEGMENT_PARAMS = ("region", "channel", "audience", "customer")
MAX_DAYS = 3660  # ten years: wide enough for any report, narrow enough to stay quick


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed([{"field": field, "message": str(message)}])


def _date(params: dict[str, Any], name: str) -> dt.date | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        # Forced Jalali on request; otherwise the year tells (below 1700 is Jalali), as in every date field.
        jalali = True if params.get("date_format") == "jalali" else None
        return parse_date(to_ascii_digits(str(raw)), jalali=jalali)[0]
    except DateOutOfRange as exc:
        raise _invalid(name, str(exc)) from None
    except (ValueError, TypeError):
        raise _invalid(
            name, _("Write the date as 2026-03-21 (or 1405/01/01 with date_format=jalali).")
        ) from None


def _id(params: dict[str, Any], name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(to_ascii_digits(str(raw)))
    except ValueError:
        raise _invalid(name, _("Give a number.")) from None
    if not 0 < value < 2**63:
        raise _invalid(name, _("Give a number.")) from None
    return value


def _ids(params: dict[str, Any], name: str) -> list[int]:
    """Comma-separated ids, e.g. ``3,5,8``."""
    parts = [p.strip() for p in to_ascii_digits(str(params.get(name) or "")).split(",") if p.strip()]
    if len(parts) > 200:
        raise _invalid(name, _("Give at most 200 ids."))
    return [value for part in parts if (value := _id({name: part}, name)) is not None]


def _period(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The period asked for: ``start``–``end``, or a month or quarter of the business calendar
    (``period_kind``, ``year``, ``number``), else the current month."""
    start, end = _date(params, "start"), _date(params, "end")
    calendar = periods.business_calendar()
    if start or end:
        today = timezone.localdate()
        start = start or periods.period_containing(calendar, periods.MONTH, end or today).start
        end = end or today
    else:
        kind = params.get("period_kind") or periods.MONTH
        if kind not in periods.KINDS:
            raise _invalid("period_kind", _("Choose month or quarter."))
        current = periods.period_containing(calendar, kind, timezone.localdate())
        year = _id(params, "year") or current.year
        number = _id(params, "number") or (current.number if not params.get("year") else 1)
        try:
            chosen = periods.make_period(calendar, kind, year, number)
        except ValueError as exc:
            raise _invalid(str(exc), _("No such period in the business calendar.")) from None
        start, end = chosen.start, chosen.end
    if end < start:
        raise _invalid("end", _("The end comes before the start."))
    if (end - start).days > MAX_DAYS:
        raise _invalid("end", _("A report covers at most ten years."))
    return start, end


def scope_from(user, params: dict[str, Any]) -> Scope:
    start, end = _period(params)
    values: dict[str, Any] = {
        name: _id(params, name) for name in ("team", "rep", "pipeline", "product", "category")
    }
    for name in SEGMENT_PARAMS:
        raw = params.get(name)
        values[name] = str(raw)[:80] if raw not in (None, "") else None
    if values["customer"] not in (None, CUSTOMER_NEW, CUSTOMER_CURRENT):
        raise _invalid("customer", _("Choose new or current."))
    return Scope(user=user, start=start, end=end, **values)


def get_report(name: str) -> Report:
    if name not in REPORTS:
        raise NotFound(_("No such report."))
    return REPORTS[name]


# the API's report-specific parameters; each report allows its own
OPTION_PARAMS = ("by", "as_of", "months", "a", "b", "a_reps", "b_reps", "source", "rank")


def options_from(report: Report, params: dict[str, Any]) -> dict[str, Any]:
    """The report's own options, checked against its allow-list; an option it does not take is refused."""
    for name in OPTION_PARAMS:
        if params.get(name) not in (None, "") and name not in report.options:
            raise _invalid(name, _("This report does not take this option."))
    options: dict[str, Any] = {}
    for name, allowed in report.options.items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if isinstance(allowed, tuple):
            if raw not in allowed:
                raise _invalid(name, _("Choose one of: %(values)s") % {"values": ", ".join(allowed)})
            options[name] = raw
        elif allowed == "date":
            options[name] = _date(params, name)
        elif allowed == "int":
            options[name] = _id(params, name)
        elif allowed == "ids":
            options[name] = _ids(params, name)
        else:
            raise ValueError(f"unknown option kind {allowed!r}")
    return options


def run_report(user, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The report ``name`` over what ``user`` may see, with the filters applied as read back."""
    report = get_report(name)
    scope = scope_from(user, params)
    options = options_from(report, params)
    data = report.compute(scope, **options)
    filters = scope.applied()
    filters.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in options.items()})
    return {"metric": name, "title": str(report.title), "filters": filters, "data": data}


def jsonable(value: Any) -> Any:
    """Decimals become numbers (whole ones integers), lazy texts strings, dates ISO text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- the records behind the customer metrics, as each user may see them -----------------------------------------


def spend_visible_to(user, *, start=None, end=None, channel=None, team=None) -> QuerySet:
    """Spend entries, newest month first: an administrator's all, anyone else's their team's and the
    company-wide ones; narrowed to months starting within ``start``–``end``, a channel or a team."""
    spend = Spend.objects.visible_to(user)
    if start:
        spend = spend.filter(month__gte=start)
    if end:
        spend = spend.filter(month__lte=end)
    if channel:
        spend = spend.filter(channel=channel)
    if team:
        spend = spend.filter(team_id=team)
    return spend.order_by("-month", "channel", "id")


def survey_answers_visible_to(user, *, start=None, end=None, contact=None) -> QuerySet:
    """Survey answers the user may see, newest first, answered within ``start``–``end`` or by a contact."""
    answers = SurveyResponse.objects.visible_to(user)
    if start:
        answers = answers.filter(answered_at__date__gte=start)
    if end:
        answers = answers.filter(answered_at__date__lte=end)
    if contact:
        answers = answers.filter(contact_id=contact)
    return answers.order_by("-answered_at", "-id")


def key_accounts_visible_to(user) -> QuerySet:
    """Key accounts of the companies the user may see, by company name."""
    return (
        KeyAccount.objects.filter(company__in=Company.objects.visible_to(user))
        .select_related("company")
        .order_by("company__name", "id")
    )
