"""Makers shared by the service calendar's tests: a technician with a name, an instrument, a job at a local time."""

import datetime as dt

from django.utils import timezone

from peyvand.accounts.models import Role
from peyvand.service import services_calendar
from peyvand.service.models_calendar import ServiceResource
from tests.factories import UserFactory

# Saturday 12 December 2026 (21 Azar 1405): a full working day; the Friday before is the week's day off.
DAY = dt.date(2026, 12, 12)
FRIDAY = dt.date(2026, 12, 11)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def technician(username: str, first: str, last: str, team=None):
    user = UserFactory(
        username=username, role=Role.SUPPORT_AGENT, team=team, first_name=first, last_name=last
    )
    return user


def instrument(
    name: str = "Spectrum analyser", code: str = "SA-1", kind: str = "instrument"
) -> ServiceResource:
    return ServiceResource.objects.create(kind=kind, name=name, code=code)


def job(actor, *, title: str, start, end, technicians, resources=(), **values):
    return services_calendar.schedule_job(
        actor=actor,
        values={
            "title": title,
            "starts_at": start,
            "ends_at": end,
            "technicians": list(technicians),
            "resources": list(resources),
            **values,
        },
    )


def plain(text: str) -> str:
    """A message without the Unicode isolates that keep its names and titles whole."""
    return text.replace("\u2068", "").replace("\u2069", "")
