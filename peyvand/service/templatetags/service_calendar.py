"""A ticket's field jobs on its page (a record section, core/registry.py)."""

from django import template

from peyvand.service import permissions_calendar, selectors_calendar

register = template.Library()


@register.simple_tag
def ticket_jobs(user, record):
    """The ticket's jobs the user may see, and whether they may schedule one; None on any other record's page."""
    if getattr(record, "_meta", None) is None or record._meta.label != "service.Ticket":
        return None
    jobs = selectors_calendar.with_bookings(
        selectors_calendar.jobs_visible_to(user).filter(ticket=record)
    ).order_by("starts_at", "pk")
    return {"jobs": list(jobs[:50]), "can_schedule": permissions_calendar.can_schedule_jobs(user)}
