"""Target pages: the year grid (rows: the team and its reps; columns: months or quarters), cells saved with
htmx, and the CSV/XLSX import with its dry run. The rules are the services'; these only parse and render."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.core import money, periods
from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.targets import permissions
from peyvand.targets.importing import import_targets, read_target_file
from peyvand.targets.models import Target
from peyvand.targets.services import (
    delete_target,
    set_target,
    target_reps,
    target_teams,
)

IMPORT_SALT = "peyvand.targets.import"
IMPORT_MAX_AGE = 3600  # a checked file may be written within the hour


@dataclass
class Cell:
    subject: str  # "user:5" or "team:2"
    period: periods.Period
    target: Target | None
    editable: bool
    amount: Any = ""
    deals: Any = ""
    error: str = ""
    saved: bool = False

    @property
    def unit(self) -> str:
        return money.unit_label(settings.PEYVAND_DEFAULT_CURRENCY)

    @property
    def dom_id(self) -> str:
        return f"cell-{self.subject.replace(':', '-')}-{self.period.kind}-{self.period.number}"


def _int(value, default=None):
    try:
        return int(to_ascii_digits(str(value)))
    except (TypeError, ValueError):
        return default


def _cell(subject: str, period, target, editable: bool) -> Cell:
    return Cell(
        subject=subject,
        period=period,
        target=target,
        editable=editable,
        amount=money.input_value(target.amount, target.currency) if target else "",
        deals=target.deals_won if target else "",
    )


@login_required
def grid_view(request):
    user = request.user
    calendar = periods.business_calendar()
    kind = request.GET.get("kind") if request.GET.get("kind") in periods.KINDS else periods.MONTH
    this_year = periods.year_of(calendar, timezone.localdate())
    year = _int(request.GET.get("year"), this_year)
    low, high = periods.YEAR_RANGE[calendar]
    if not low <= year <= high:
        year = this_year
    columns = periods.periods_of_year(calendar, kind, year)
    teams = list(target_teams(user))
    team = None
    if permissions.can_set_targets(user):
        team_id = _int(request.GET.get("team"))
        team = next((t for t in teams if t.pk == team_id), None) or next(
            (t for t in teams if t.pk == user.team_id), teams[0] if teams else None
        )
    subjects: list[tuple[str, Any, bool]] = []  # (key, who, is_team)
    if team is not None:
        subjects.append((f"team:{team.pk}", team, True))
        subjects += [(f"user:{rep.pk}", rep, False) for rep in target_reps(user).filter(team=team)]
    elif not permissions.can_set_targets(user):
        subjects.append((f"user:{user.pk}", user, False))  # a rep reads their own targets
    rows_filter = Q(pk__in=[])
    for _key, who, is_team in subjects:
        rows_filter |= Q(team_id=who.pk) if is_team else Q(user_id=who.pk)
    found = {
        (f"team:{t.team_id}" if t.team_id else f"user:{t.user_id}", t.number): t
        for t in Target.objects.visible_to(user)
        .filter(rows_filter, calendar=calendar, period_kind=kind, year=year)
        .select_related("user", "team")
    }
    editable = permissions.can_set_targets(user)
    rows = [
        {
            "key": key,
            "who": who,
            "is_team": is_team,
            "cells": [_cell(key, p, found.get((key, p.number)), editable) for p in columns],
        }
        for key, who, is_team in subjects
    ]
    return render(
        request,
        "targets/grid.html",
        {
            "rows": rows,
            "columns": columns,
            "year": year,
            "years": sorted({*range(this_year - 2, this_year + 3), year}),
            "kind": kind,
            "teams": teams,
            "team": team,
            "editable": editable,
            "calendar": calendar,
            "unit": money.unit_label(settings.PEYVAND_DEFAULT_CURRENCY),
        },
    )


def _subject(key: str) -> dict[str, int | None]:
    kind, _sep, pk = (key or "").partition(":")
    pk_int = _int(pk)
    if kind not in ("user", "team") or pk_int is None or not 0 < pk_int < 2**63:
        raise Http404
    return {"user": pk_int if kind == "user" else None, "team": pk_int if kind == "team" else None}


@login_required
@require_POST
def cell_view(request):
    """Save one cell (amount and deals of one rep or team in one period); an empty cell removes the target."""
    data = request.POST
    key = data.get("subject", "")
    subject = _subject(key)
    calendar = periods.business_calendar()
    try:
        period = periods.make_period(
            calendar, data.get("kind"), _int(data.get("year")), _int(data.get("number"))
        )
    except ValueError:
        raise Http404 from None
    amount, deals = data.get("amount", "").strip(), data.get("deals", "").strip()
    existing = (
        Target.objects.visible_to(request.user)
        .filter(
            user_id=subject["user"],
            team_id=subject["team"],
            calendar=calendar,
            period_kind=period.kind,
            year=period.year,
            number=period.number,
        )
        .first()
    )
    cell = Cell(subject=key, period=period, target=existing, editable=True, amount=amount, deals=deals)
    try:
        if not amount and not deals:
            if existing is not None:
                delete_target(actor=request.user, target=existing)
            elif not permissions.can_set_targets(request.user):
                raise PeyvandError(permissions.TARGET_FORBIDDEN, _("You may not set targets."), status=403)
            cell.target, cell.saved = None, True
        else:
            if not permissions.can_set_targets(request.user):
                raise PeyvandError(permissions.TARGET_FORBIDDEN, _("You may not set targets."), status=403)
            # typed in the display unit (Toman by default), like every amount people type
            stored = money.from_input(amount, settings.PEYVAND_DEFAULT_CURRENCY, field=_("Amount"))
            target, _created = set_target(
                actor=request.user,
                user=subject["user"],
                team=subject["team"],
                kind=period.kind,
                year=period.year,
                number=period.number,
                amount=stored,
                deals_won=deals or 0,
                calendar=calendar,
            )
            cell = _cell(key, period, target, True)
            cell.saved = True
    except PeyvandError as exc:
        if exc.status in (403, 404):
            if not request.htmx:
                raise Http404 from None
            return render(
                request, "targets/_cell.html", {"cell": cell, "refused": str(exc.message)}, status=exc.status
            )
        cell.error = " ".join(str(e["message"]) for e in exc.errors) or str(exc.message)
    except money.MoneyInputError as exc:
        cell.error = exc.message
    return _cell_response(request, cell, period, subject)


def _cell_response(request, cell: Cell, period, subject):
    if not request.htmx:
        if cell.error:
            messages.error(request, cell.error)
        return HttpResponseRedirect(
            reverse("targets")
            + f"?year={period.year}&kind={period.kind}"
            + (f"&team={subject['team']}" if subject["team"] else "")
        )
    return render(request, "targets/_cell.html", {"cell": cell})


@login_required
def import_view(request):
    """Upload, dry run (every bad cell by row and column), then write the checked rows in one transaction."""
    if not permissions.can_set_targets(request.user):
        raise Http404
    context: dict[str, Any] = {"calendar": periods.business_calendar()}
    if request.method == "POST":
        try:
            if request.POST.get("payload"):
                try:
                    data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
                except signing.BadSignature:
                    raise PeyvandError(
                        "targets.expired", _("This check has expired; upload the file again."), status=400
                    ) from None
                if data.get("actor") != request.user.pk:
                    raise Http404
                rows = [(int(n), list(cells)) for n, cells in data["rows"]]
                report = import_targets(actor=request.user, headers=data["headers"], rows=rows, dry_run=False)
                if report.ok:
                    messages.success(
                        request,
                        _("Targets written: %(created)s new, %(replaced)s replaced.")
                        % {"created": report.created, "replaced": report.replaced},
                    )
                    return HttpResponseRedirect(reverse("targets"))
                context["report"] = report
            else:
                headers, rows = read_target_file(request.FILES.get("file"))
                report = import_targets(actor=request.user, headers=headers, rows=rows, dry_run=True)
                context["report"] = report
                context["file_name"] = request.FILES["file"].name
                if report.ok and report.rows:
                    context["payload"] = signing.dumps(
                        {"actor": request.user.pk, "headers": headers, "rows": rows},
                        salt=IMPORT_SALT,
                        compress=True,
                    )
        except PeyvandError as exc:
            context["file_error"] = str(exc.message)
    return render(request, "targets/import.html", context)
