"""Domain events other apps (automation, notifications) subscribe to; sent after the transaction commits."""

from django.db import transaction
from django.dispatch import Signal

record_created = Signal()  # sender=model class, instance, actor
record_updated = Signal()  # sender=model class, instance, actor, changes
record_deleted = Signal()  # sender=model class, instance, actor
deal_stage_changed = Signal()  # sender=Deal, deal, from_stage, to_stage, actor
lead_converted = Signal()  # sender=Lead, lead, deal, actor
lead_assigned = Signal()  # sender=Lead, lead, owner, rule (or None), reason, actor
activity_completed = Signal()  # sender=Activity, activity, actor


def emit(signal: Signal, sender, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
