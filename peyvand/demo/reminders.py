"""Demo data for reminders: the demo's upcoming tasks, meetings and calls get the reminders people usually set,
so the worker has reminders to send and the iCal feed has alarms to show."""

import datetime as dt
import random
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from peyvand.activities.models import SCHEDULED_KINDS, Activity, ActivityKind

# Reminders people usually set, in minutes before the due time, per kind of activity.
USUAL_REMINDERS = {
    ActivityKind.MEETING: ([10, 24 * 60], [30], [15, 60]),
    ActivityKind.CALL: ([10], [5], [15]),
    ActivityKind.TASK: ([60], [24 * 60], [0, 60]),
}


@transaction.atomic
def load(users: Iterable, *, now: dt.datetime | None = None, seed: int = 1405) -> int:
    """Give most open tasks, meetings and calls of ``users`` that are still ahead (from ``now``) reminders;
    returns how many activities got them. Running it again gives the same reminders (seeded)."""
    now = now or timezone.now()
    rng = random.Random(seed)
    upcoming = list(
        Activity.objects.filter(
            owner__in=list(users), kind__in=SCHEDULED_KINDS, done_at__isnull=True, due_at__gt=now
        ).order_by("id")
    )
    chosen = []
    for activity in upcoming:
        if rng.random() < 0.8:
            activity.reminders = sorted(rng.choice(USUAL_REMINDERS[activity.kind]))
            chosen.append(activity)
    Activity.objects.bulk_update(chosen, ["reminders"], batch_size=1000)
    return len(chosen)
