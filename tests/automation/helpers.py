"""Rules made through the service, as a manager or admin would make them."""

from peyvand.automation.services import create_rule


def make_rule(actor, trigger, actions, *, record_type=None, conditions=(), params=None, name="Rule"):
    return create_rule(
        actor=actor,
        values={
            "name": name,
            "trigger": trigger,
            "record_type": record_type,
            "params": params or {},
            "conditions": list(conditions),
            "actions": list(actions),
        },
    )


def notify_owner(title="{{ record.name }} needs you"):
    return {"type": "notify", "recipients": ["owner"], "title": title}
