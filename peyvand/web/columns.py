"""Which columns a list shows, and in what order: the ``columns`` parameter of the list's address.

A list offers its screen's own columns and, after them, the record type's other exportable fields (the ones
people already see in a spreadsheet of the list). ``columns`` names some of them, comma separated or repeated
(the chooser's tick boxes send it repeated, its move links comma separated); names the list does not offer
are skipped, so an old link or a saved view that names a field since removed still opens. None left: the
screen's own columns.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from peyvand.core import registry
from peyvand.web.screens import Screen


@dataclass(frozen=True)
class Column:
    name: str
    shown: bool
    # the ``columns`` value that moves this column one place earlier / later ("" where it cannot move)
    earlier: str = ""
    later: str = ""


def available_columns(screen: Screen) -> tuple[str, ...]:
    names = list(screen.columns)
    record_type = registry.by_plural(screen.name)
    for spec in record_type.fields_where("exportable") if record_type else ():
        try:
            screen.model._meta.get_field(spec.name)
        except FieldDoesNotExist:
            continue
        names.append(spec.name)
    return tuple(dict.fromkeys(names))


def chosen_columns(screen: Screen, raw: list[str] | Any) -> tuple[tuple[str, ...], bool]:
    """The columns to show and whether they are a choice (False: the screen's own)."""
    offered = set(available_columns(screen))
    values = raw if isinstance(raw, list | tuple) else [raw] if raw else []
    names = [n.strip() for v in values for n in str(v).split(",") if n.strip() in offered]
    names = list(dict.fromkeys(names))
    if not names:
        return screen.columns, False
    return tuple(names), tuple(names) != screen.columns


def chooser(screen: Screen, shown: tuple[str, ...]) -> list[Column]:
    """The chooser's rows: the shown columns in their order, each with its move links, then the others."""
    rows = []
    for i, name in enumerate(shown):
        earlier = later = ""
        if i > 0:
            order = list(shown)
            order[i - 1], order[i] = order[i], order[i - 1]
            earlier = ",".join(order)
        if i < len(shown) - 1:
            order = list(shown)
            order[i + 1], order[i] = order[i], order[i + 1]
            later = ",".join(order)
        rows.append(Column(name, True, earlier, later))
    rows += [Column(n, False) for n in available_columns(screen) if n not in shown]
    return rows
