"""Targets from a CSV or XLSX file: every row checked first, then all written in one transaction or none.

Columns (English or Persian headers): rep (username) or team (name), year, month (number or name) or quarter,
amount, deals. The period is of the business calendar (see core/periods.py). A dry run reports each bad cell by row
and column; a write refuses the whole file, writing nothing, while any row is bad.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.core import money, periods
from peyvand.core.errors import PeyvandError
from peyvand.core.text import normalize_text, to_ascii_digits
from peyvand.imports.reading import read_headers, read_rows, sniff_text
from peyvand.targets import permissions
from peyvand.targets.services import (
    check_no_overlap,
    clean_amount,
    clean_deals,
    set_target,
    target_reps,
    target_teams,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

# What each column may be called in the file's first row (compared after Persian normalisation).
COLUMNS = {
    "rep": ("rep", "username", "user", "نماینده", "نام کاربری", "کارشناس فروش", "فروشنده"),
    "team": ("team", "team name", "تیم", "نام تیم"),
    "year": ("year", "سال"),
    "month": ("month", "ماه"),
    "quarter": ("quarter", "فصل", "سه ماهه", "سه‌ماهه"),
    "amount": ("amount", "target", "target amount", "مبلغ", "هدف", "مبلغ هدف"),
    "deals": ("deals", "deals won", "deals_won", "تعداد معامله", "معاملات", "تعداد معاملات"),
}


@dataclass
class TargetImportReport:
    rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    replaced: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> int:
        return self.created + self.replaced


def _key(text: str) -> str:
    return normalize_text(str(text or "")).replace("_", " ").strip()


_ALIASES = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _bad_file(message) -> PeyvandError:
    return PeyvandError("targets.bad_file", message, field="file", status=422)


def read_target_file(uploaded) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (row number, cells) of an uploaded CSV or XLSX file."""
    if uploaded is None:
        raise _bad_file(_("Choose a CSV or XLSX file."))
    if uploaded.size > MAX_FILE_BYTES:
        raise _bad_file(_("The file is larger than 5 MB."))
    content = uploaded.read()
    sniff_text(content)
    with tempfile.NamedTemporaryFile(suffix=Path(uploaded.name or "").suffix[:10]) as handle:
        handle.write(content)
        handle.flush()
        path = Path(handle.name)
        headers = read_headers(path)
        rows = []
        for number, cells in read_rows(path):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise _bad_file(_("A file of targets may hold at most 10000 rows."))
    return headers, rows


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        # «مبلغ (تومان)»: the column's name followed by its unit
        name = _ALIASES.get(_key(header)) or _ALIASES.get(_key(money.header_unit(header)[1]))
        if name and name not in found:
            found[name] = index
    missing = []
    if "rep" not in found and "team" not in found:
        missing.append(_("rep or team"))
    if "month" not in found and "quarter" not in found:
        missing.append(_("month or quarter"))
    for name, label in (("year", _("year")), ("amount", _("amount"))):
        if name not in found:
            missing.append(label)
    if missing:
        raise _bad_file(
            _("The file has no column for: %(columns)s.") % {"columns": ", ".join(map(str, missing))}
        )
    return found


def check_rows(
    actor, headers: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(plans, errors): one plan per good row; one error per bad cell, by row number and column header."""
    columns = _columns(headers)
    amount_factor = money.header_factor(headers[columns["amount"]])  # Rial unless the header says Toman
    calendar = periods.business_calendar()
    reps = {u.username.lower(): u for u in target_reps(actor)}
    teams = {_key(t.name): t for t in target_teams(actor)}
    seen: dict[tuple, int] = {}
    plans, errors = [], []

    for row_number, cells in rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return str(cells[index]).strip() if index is not None and index < len(cells) else ""

        def bad(name: str, message, row_number: int = row_number) -> None:
            column = headers[columns[name]] if name in columns else name
            errors.append({"row": row_number, "column": column, "message": str(message)})

        row_errors = len(errors)
        user = team = None
        rep_text, team_text = cell("rep"), cell("team")
        if rep_text and team_text:
            bad("team", _("Give either a rep or a team, not both."))
        elif rep_text:
            user = reps.get(rep_text.lower())
            if user is None:
                bad("rep", _("No rep with this username in a team whose targets you set."))
        elif team_text:
            team = teams.get(_key(team_text))
            if team is None:
                bad("team", _("No team by this name whose targets you set."))
        else:
            bad("rep" if "rep" in columns else "team", _("Give a rep's username or a team's name."))

        year = None
        try:
            year = int(to_ascii_digits(cell("year")))
            periods.make_period(calendar, periods.MONTH, year, 1)
        except ValueError:
            year = None
            bad("year", _("Enter a year of the business calendar, such as 1405."))

        kind = number = None
        month_text, quarter_text = cell("month"), cell("quarter")
        if month_text and quarter_text:
            bad("quarter", _("Give either a month or a quarter, not both."))
        elif month_text:
            kind, number = periods.MONTH, periods.month_number(calendar, month_text)
            if number is None or not 1 <= number <= 12:
                bad("month", _("Enter a month number from 1 to 12 or a month's name."))
                number = None
        elif quarter_text:
            text = to_ascii_digits(quarter_text).upper().removeprefix("Q").strip()
            kind, number = periods.QUARTER, int(text) if text.isdigit() else None
            if number is None or not 1 <= number <= 4:
                bad("quarter", _("Enter a quarter from 1 to 4."))
                number = None
        else:
            bad("month" if "month" in columns else "quarter", _("Give a month or a quarter."))

        amount = deals = None
        try:
            amount = clean_amount(cell("amount")) * amount_factor
        except ValueError:
            bad("amount", _("Enter an amount greater than zero."))
        try:
            deals = clean_deals(cell("deals"))
        except ValueError:
            bad("deals", _("Enter a whole number of deals, zero or more."))

        if len(errors) > row_errors:
            continue
        period = periods.make_period(calendar, kind, year, number)
        key = ("user" if user else "team", (user or team).pk, kind, year, number)
        if key in seen:
            bad(kind, _("Row %(row)s already sets this target.") % {"row": seen[key]})
            continue
        seen[key] = row_number
        try:
            check_no_overlap(user=user, team=team, period=period)
        except PeyvandError as exc:
            bad(kind, exc.message)
            continue
        plans.append(
            {
                "row": row_number,
                "user": user,
                "team": team,
                "period": period,
                "amount": amount,
                "deals_won": deals,
            }
        )
    return plans, errors


class _RolledBack(Exception):
    pass


def import_targets(
    *, actor, headers: list[str], rows: list[tuple[int, list[str]]], dry_run: bool
) -> TargetImportReport:
    """Check every row; unless ``dry_run`` and only when none is bad, write them all in one transaction."""
    if not permissions.can_set_targets(actor):
        raise PeyvandError(
            permissions.TARGET_FORBIDDEN,
            _("You may set targets only for your own team and its reps."),
            status=403,
        )
    report = TargetImportReport(rows=len(rows))
    plans, report.errors = check_rows(actor, headers, rows)
    if dry_run or report.errors:
        return report
    try:
        with transaction.atomic():
            for plan in plans:
                try:
                    _target, created = set_target(
                        actor=actor,
                        user=plan["user"],
                        team=plan["team"],
                        kind=plan["period"].kind,
                        year=plan["period"].year,
                        number=plan["period"].number,
                        amount=plan["amount"],
                        deals_won=plan["deals_won"],
                        calendar=plan["period"].calendar,
                    )
                except PeyvandError as exc:  # changed by someone else since the check: nothing is kept
                    report.errors.append({"row": plan["row"], "column": "", "message": str(exc.message)})
                    raise _RolledBack from None
                if created:
                    report.created += 1
                else:
                    report.replaced += 1
    except _RolledBack:
        report.created = report.replaced = 0
    return report
