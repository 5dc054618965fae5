"""The reports, by name: each is one function of a ``Scope`` (and its own allow-listed options) returning a table.

A report answers ``{"columns": [{"key", "label"}], "rows": [...], ...}``; the API returns it as JSON with the
filters applied, the dashboard draws it, and exports write its columns and rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Report:
    name: str
    title: Promise
    compute: Callable[..., dict[str, Any]]
    # option name -> its allowed values (a tuple), or a kind: "date", "int" or "ids" (comma-separated)
    options: dict[str, Any] = field(default_factory=dict)
    # what the report tells its reader, in a sentence (the function's docstring holds the formula)
    summary: Promise | str = ""


REPORTS: dict[str, Report] = {}


def report(name: str, title: Promise, *, summary: Promise, options: dict[str, Any] | None = None):
    def register(func):
        REPORTS[name] = Report(name=name, title=title, compute=func, options=options or {}, summary=summary)
        return func

    return register


def column(key: str, label: Promise | str, kind: str = "number") -> dict[str, Any]:
    """kind: "label", "number", "money", "percent", "days" — how pages format it."""
    return {"key": key, "label": label, "kind": kind}
