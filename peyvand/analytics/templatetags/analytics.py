from django import template

from peyvand.analytics.charts import format_value

register = template.Library()


@register.filter
def fmt(value, kind="number"):
    """A figure formatted by kind: {{ row.revenue|fmt:"money" }}."""
    return format_value(kind, value)
