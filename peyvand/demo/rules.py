"""Demo automation rules: the classic proposal follow-up, a welcome for won deals, and a birthday SMS (queued in
the outbox until an SMS gateway is configured)."""

from collections.abc import Iterable, Mapping

from peyvand.accounts.models import Role
from peyvand.automation.models import Rule
from peyvand.automation.services import create_rule

FOLLOW_UP = "پیگیری پس از ارسال پیشنهاد"
WON = "خوشامد به مشتری تازه"
BIRTHDAY = "پیامک تبریک تولد"


def load(users: Iterable | Mapping) -> int:
    """Create the demo rules as the first administrator among ``users``; rules already there (by name) are left
    alone. Returns how many were created."""
    users = list(users.values() if isinstance(users, Mapping) else users)
    admin = next((u for u in users if u.role == Role.ADMIN or u.is_superuser), None)
    if admin is None:
        return 0
    rules = [
        {
            "name": FOLLOW_UP,
            "trigger": "activity_completed",
            "conditions": [{"field": "subject", "op": "equals", "value": "ارسال پیشنهاد"}],
            "actions": [
                {
                    "type": "create_activity",
                    "kind": "task",
                    "subject": "پیگیری پیشنهاد",
                    "due": "+3 days",
                    "owner": "record_owner",
                }
            ],
        },
        {
            "name": WON,
            "trigger": "deal_won",
            "conditions": [{"field": "amount", "op": "greater_than", "value": "1000000000"}],
            "actions": [
                {"type": "add_tag", "tag": "مشتری"},
                {
                    "type": "notify",
                    "recipients": ["owner", "manager"],
                    "title": "معامله «{{ record.title }}» برنده شد",
                    "body": "یک تماس خوشامد با مشتری هماهنگ کنید.",
                },
                {
                    "type": "create_activity",
                    "kind": "call",
                    "subject": "تماس خوشامد: {{ record.title }}",
                    "due": "+1 day",
                    "owner": "record_owner",
                },
            ],
        },
        {
            "name": BIRTHDAY,
            "trigger": "date_reached",
            "record_type": "contact",
            "params": {"field": "birthday"},
            "conditions": [],
            "actions": [
                {
                    "type": "send_sms",
                    "to": "contact",
                    "body": "{{ record.first_name }} عزیز، زادروزتان خجسته باد! — {{ owner.name }}",
                }
            ],
        },
    ]
    existing = set(Rule.objects.values_list("name", flat=True))
    created = 0
    for values in rules:
        if values["name"] not in existing:
            create_rule(actor=admin, values=values)
            created += 1
    return created
