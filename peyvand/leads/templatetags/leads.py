from django import template

from peyvand.leads.scoring import field_label

register = template.Library()


@register.filter
def scoring_field(field: str) -> str:
    """A scoring rule's field name as people read it (``scoring.field_label``)."""
    return field_label(str(field or ""))
