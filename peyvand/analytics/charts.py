"""Charts drawn on the server: bar lengths as percentages (CSS bars follow the page's direction, so RTL needs
nothing special) and trend lines as SVG points. Pages stay readable without JavaScript and print as they look."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from peyvand.core import periods
from peyvand.core.jalali import persian_digits, uses_jalali
from peyvand.core.money import format_money

LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 600, 180, 10


def _digits(text: str) -> str:
    return persian_digits(text.replace(",", "٬").replace(".", "٫")) if uses_jalali() else text


def format_value(kind: str, value: Any) -> str:
    """A figure as a person reads it, by its column's kind (money, percent, days, number, label)."""
    if value is None:
        return "–"
    if kind == "money":
        # Whole Toman (ten Rial) are precise enough for a report and keep the figures short.
        return format_money(Decimal(value).quantize(Decimal("1E1")))
    if kind == "percent":
        return _digits(f"{Decimal(value):,.1f}") + "٪" if uses_jalali() else f"{Decimal(value):,.1f}%"
    if kind == "days":
        return _("%(days)s days") % {"days": _digits(f"{Decimal(value):,.1f}")}
    if kind == "hours":  # working hours (the service desk's times)
        return _("%(hours)s h") % {"hours": _digits(f"{Decimal(value):,.1f}")}
    if kind in ("number", "count"):
        number = Decimal(value)
        text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
        return _digits(text)
    return str(value)


def bars(rows: list[dict], key: str, *, scale: float | None = None) -> list[float]:
    """Each row's ``key`` as a share (0–100) of the largest (or of ``scale``), for a bar's length."""
    values = [float(r.get(key) or 0) for r in rows]
    top = scale or max([v for v in values if v > 0], default=0)
    return [round(max(v, 0) / top * 100, 1) if top else 0.0 for v in values]


def line(values: list[Any]) -> dict[str, Any]:
    """SVG geometry of a trend line: its points and where each value sits, in a fixed view box."""
    numbers = [float(v or 0) for v in values]
    top = max(numbers, default=0) or 1
    step = (LINE_WIDTH - 2 * LINE_PAD) / max(len(numbers) - 1, 1)
    points = [
        (
            round(LINE_PAD + i * step, 1),
            round(LINE_HEIGHT - LINE_PAD - n / top * (LINE_HEIGHT - 2 * LINE_PAD), 1),
        )
        for i, n in enumerate(numbers)
    ]
    return {
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points,
        "area": f"{LINE_PAD},{LINE_HEIGHT - LINE_PAD} "
        + " ".join(f"{x},{y}" for x, y in points)
        + f" {points[-1][0] if points else LINE_PAD},{LINE_HEIGHT - LINE_PAD}",
    }


def month_axis(calendar: str, firsts: list[Any]) -> list[dict[str, Any]]:
    """The labels under a trend line of months (``firsts``: each month's first day), placed under their points.

    Each label is the month's short name. Every other label, counting back from the latest month (which
    always shows), is ``minor``: a narrow screen hides those. The others carry the year on a second line on
    the first and last of them and on a year's first month, so twelve labels fit without running together.
    """
    count = len(firsts)
    first_major = (count - 1) % 2
    step = (LINE_WIDTH - 2 * LINE_PAD) / max(count - 1, 1)
    ticks = []
    for i, first in enumerate(firsts):
        period = periods.period_containing(calendar, periods.MONTH, first)
        minor = (count - 1 - i) % 2 == 1
        # Only labels a phone also shows carry a year, so two years never stand side by side.
        with_year = not minor and (i == first_major or i == count - 1 or period.number == 1)
        ticks.append(
            {
                "name": periods.short_month_name(calendar, period.number),
                "year": _digits(str(period.year)) if with_year else "",
                "left": round((LINE_PAD + i * step) / LINE_WIDTH * 100, 2),
                "minor": minor,
            }
        )
    return ticks
