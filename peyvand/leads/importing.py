"""A lead's steps in the spreadsheet import (its ``ImportSpec`` in ``leads/resources.py``).

Leads go through the same service as the web form, e-mail and the API (``create_lead``), so each is scored,
given an owner by the assignment rules and opens a deal where its pipeline says so. That is a few queries per
lead instead of a bulk write; lead files are small next to contact lists.
"""

from typing import Any

from django.utils.translation import gettext as _

from peyvand.core.text import normalize_text
from peyvand.leads.models import LeadStatus
from peyvand.leads.services import create_lead
from peyvand.sales.importing import pipeline_table


def check_lead(values: dict[str, Any], context) -> list[tuple[str, Any]]:
    """A lead is not imported as converted (converting opens its deal); the pipeline it names is one the
    importing user may use."""
    errors: list[tuple[str, Any]] = []
    if values.get("status") == LeadStatus.CONVERTED:
        errors.append(("status", _("Use “Convert” to turn a lead into a deal.")))
    if values.get("pipeline"):
        found = pipeline_table(context).get(normalize_text(values["pipeline"]))
        if found is None:
            errors.append(("pipeline", _("No such pipeline, or you may not use it.")))
        else:
            values["pipeline"] = found[0]
    return errors


def create_imported_lead(*, actor, values: dict[str, Any], default_owner):
    """A lead of an imported row: alike to stored records or not (the import reports those), it is created."""
    return create_lead(actor=actor, values=values, allow_duplicate=True, default_owner=default_owner)
