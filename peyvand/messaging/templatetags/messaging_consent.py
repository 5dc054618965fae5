"""A contact's consent on its page (a record section, core/registry.py)."""

from django import template

from peyvand.messaging.consent import contact_addresses
from peyvand.messaging.models_consent import HARD_REASONS, Suppression, Topic

register = template.Library()


@register.simple_tag
def consent_of(user, record):
    """For a contact: one row per address with, per topic, its suppression (or None = may be sent); else None."""
    if getattr(record, "_meta", None) is None or record._meta.label != "contacts.Contact":
        return None
    addresses = contact_addresses(record)
    if not addresses:
        return None
    rows = Suppression.objects.filter(address__in=[a for _c, a in addresses])
    found = {(r.channel, r.address, r.topic): r for r in rows}
    table = []
    for channel, address in addresses:
        everything = found.get((channel, address, ""))
        hard = everything if everything is not None and everything.reason in HARD_REASONS else None
        topics = []
        for value, label in Topic.choices:
            row = found.get((channel, address, value))
            topics.append({"topic": value, "label": label, "row": row, "blocked": row or everything})
        table.append(
            {"channel": channel, "address": address, "all": everything, "hard": hard, "topics": topics}
        )
    return table
