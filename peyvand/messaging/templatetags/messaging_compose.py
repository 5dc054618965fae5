from django import template

from peyvand.messaging.services_compose import can_write_to, suggested_recipients

register = template.Library()


@register.simple_tag
def compose_channels(user, record, record_type) -> list[str]:
    """The channels a message to this record's customer can go by: those it (or a record it concerns) has an
    address for."""
    if record_type is None or not record_type.attachable or not can_write_to(user, record):
        return []
    return [channel for channel in ("email", "sms") if suggested_recipients(record, channel)]
