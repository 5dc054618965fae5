"""Actions of a rule: checked when the rule is saved, performed by the background task for one record.

Each action is a JSON object with a ``type`` (see ``catalog.ACTIONS``) and its own settings. Records are written
through each app's services (audited, versioned, events emitted) with the rule's creator as the actor, so a rule
can never do what its creator could not.
"""

import datetime as dt
import html as html_lib
import json
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from peyvand.automation import catalog, rendering, webhooks
from peyvand.automation.conditions import coerce_value
from peyvand.core import registry
from peyvand.core.errors import ValidationFailed
from peyvand.core.text import to_ascii_digits

MAX_ACTIONS = 20
_UNITS = {
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "دقیقه": "minutes",
    "hour": "hours",
    "hours": "hours",
    "ساعت": "hours",
    "day": "days",
    "days": "days",
    "روز": "days",
    "week": "weeks",
    "weeks": "weeks",
    "هفته": "weeks",
}
_RELATIVE = re.compile(r"^\s*([+-]?)\s*(\d{1,4})\s*(\S+)\s*$")


def parse_relative(text: str) -> dt.timedelta:
    """``+3 days``, ``+2 hours``, ``30 minutes``, ``+۳ روز``: a time after the trigger; ValueError otherwise."""
    match = _RELATIVE.match(to_ascii_digits(text or ""))
    unit = _UNITS.get(match.group(3).lower()) if match else None
    if unit is None:
        raise ValueError(_("Write a time such as +3 days or +2 hours."))
    amount = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
    delta = dt.timedelta(**{unit: amount})
    if abs(delta) > dt.timedelta(days=3660):
        raise ValueError(_("Write a time such as +3 days or +2 hours."))
    return delta


# --- validation -----------------------------------------------------------------------------------------------


def _text(action, name, *, required=True, limit=200, template=True) -> str:
    value = action.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    value = value.strip()
    if required and not value:
        raise ValueError(_("This field is required."))
    if len(value) > limit:
        raise ValueError(_("Too long."))
    if template:
        try:
            rendering.check_template(value)
        except ValueError as exc:
            raise ValueError(_("This template has an error: %(error)s") % {"error": exc}) from None
    return value


def _user_id(value, actor) -> int:
    from peyvand.core.records import assignable_users

    if isinstance(value, bool):
        raise ValueError(_("Choose a user."))
    try:
        pk = int(str(value))
    except ValueError:
        raise ValueError(_("Choose a user.")) from None
    if not assignable_users(actor).filter(pk=pk).exists():
        raise ValueError(_("You may not give records to this user."))
    return pk


def _clean_one(record_type: str, action: dict, actor) -> tuple[dict, dict[str, Any]]:
    """The cleaned action and a dict of field -> message for what is wrong."""
    kind = action.get("type")
    out: dict[str, Any] = {"type": kind}
    errors: dict[str, Any] = {}

    def take(name, func):
        try:
            out[name] = func()
        except ValueError as exc:
            errors[name] = str(exc)

    if kind == "create_activity":
        take("kind", lambda: _choice(action.get("kind", "task"), ("task", "meeting", "call")))
        take("subject", lambda: _text(action, "subject"))
        take("notes", lambda: _text(action, "notes", required=False, limit=5000))
        take("due", lambda: _due(action.get("due")))
        take("owner", lambda: _owner(action.get("owner", "record_owner"), actor))
    elif kind == "assign_owner":
        take("user", lambda: _user_id(action.get("user"), actor))
    elif kind == "update_field":
        fields = {n: s for n, s in catalog.fields_of(record_type).items() if s.writable}
        spec = fields.get(action.get("field")) if isinstance(action.get("field"), str) else None
        if spec is None:
            errors["field"] = _("Actions cannot change this field.")
        else:
            out["field"] = spec.name
            value = action.get("value")
            if value in (None, ""):
                out["value"] = None
            else:
                take("value", lambda: coerce_value(record_type, spec, value))
    elif kind == "add_tag":
        if not catalog.is_tagged(record_type):
            errors["type"] = _("These records have no tags.")
        take("tag", lambda: _text(action, "tag", limit=60, template=False))
    elif kind == "notify":
        take("recipients", lambda: _recipients(action.get("recipients"), actor))
        take("title", lambda: _text(action, "title", limit=300))
        take("body", lambda: _text(action, "body", required=False, limit=5000))
    elif kind == "send_email":
        take("to", lambda: _address(action.get("to"), email=True))
        take("subject", lambda: _text(action, "subject", limit=255))
        take("body", lambda: _text(action, "body", limit=rendering.MAX_TEMPLATE))
        out["html"] = action.get("html") is True
    elif kind == "send_sms":
        take("to", lambda: _address(action.get("to"), email=False))
        take("body", lambda: _text(action, "body", limit=1000))
    elif kind == "webhook":
        take("url", lambda: _webhook_url(action.get("url")))
    else:
        errors["type"] = _("There is no such action.")
    return out, errors


def _choice(value, allowed):
    if value not in allowed:
        raise ValueError(_("Choose one of: %(choices)s") % {"choices": ", ".join(allowed)})
    return value


def _due(value) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Write a time such as +3 days or +2 hours."))
    parse_relative(value)
    return value.strip()


def _owner(value, actor):
    if value in (None, "", "record_owner"):
        return "record_owner"
    return _user_id(value, actor)


def _recipients(value, actor) -> list:
    if not isinstance(value, list) or not value or len(value) > 50:
        raise ValueError(_("Choose who is notified."))
    chosen = []
    for item in value:
        if item in ("owner", "manager"):
            chosen.append(item)
        else:
            chosen.append(_user_id(item, actor))
    return list(dict.fromkeys(chosen))


def _address(value, *, email: bool) -> str:
    if value in ("owner", "contact") and (email or value == "contact"):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("Choose the recipient."))
    value = value.strip()
    if email:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError(_("Enter a valid e-mail address.")) from None
        return value
    from peyvand.core.phones import InvalidPhone, to_e164

    try:
        return to_e164(value)
    except InvalidPhone:
        raise ValueError(_("Enter a valid phone number.")) from None


def _webhook_url(value) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        raise ValueError(_("Enter the address to call."))
    try:
        webhooks.check_destination(value.strip())
    except webhooks.WebhookRefused as exc:
        raise ValueError(str(exc)) from None
    return value.strip()


def clean_actions(record_type: str, actions: Any, *, actor) -> list[dict[str, Any]]:
    if not isinstance(actions, list) or not actions:
        raise ValidationFailed([{"field": "actions", "message": _("Add at least one action.")}])
    if len(actions) > MAX_ACTIONS:
        raise ValidationFailed([{"field": "actions", "message": _("A rule takes at most 20 actions.")}])
    cleaned, errors = [], []
    for i, action in enumerate(actions):
        if not isinstance(action, dict):
            errors.append({"field": f"actions.{i}", "message": _("Each action is an object with a type.")})
            continue
        out, problems = _clean_one(record_type, action, actor)
        errors.extend({"field": f"actions.{i}.{name}", "message": msg} for name, msg in problems.items())
        cleaned.append(out)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- performing -----------------------------------------------------------------------------------------------


def _resource(record_type: str):
    found = registry.find(record_type)
    if found is None or found.resource is None:
        raise ValueError(_("These records cannot be changed by a rule yet."))
    return found.resource


def _update(record, record_type: str, actor, values: dict[str, Any]):
    resource = _resource(record_type)
    return resource.update(actor=actor, instance=record, version=record.version, values=values)


def _links(record, record_type: str) -> dict[str, Any]:
    """What a created activity is attached to; the activities' registration knows which records it links."""
    from peyvand.activities.resources import links_of

    return links_of(record)


def _managers_of(user) -> list:
    from peyvand.accounts.models import Role

    if user is None or not user.team_id:
        return []
    return list(
        get_user_model().objects.filter(team_id=user.team_id, role=Role.SALES_MANAGER, is_active=True)
    )


def _contact_point(record, record_type: str, *, email: bool) -> str:
    """The record's own e-mail or phone (its registration says where: ``extra["contact_point"]``), else that of
    the first record it concerns that has one (a deal's contact, then its company)."""
    own = registry.find(record_type)
    if own is not None and "contact_point" in own.extra:
        return own.extra["contact_point"](record, email=email) or ""
    for related in own.concerns(record) if own is not None and own.concerns else ():
        kind = registry.for_model(related)
        if kind is not None and "contact_point" in kind.extra:
            return kind.extra["contact_point"](related, email=email) or ""
    return ""


def perform(action: dict[str, Any], *, rule, run, record, record_type: str, index: int) -> str:
    """Do one action; returns a short description of what was done, or raises."""
    actor = rule.created_by
    kind = action["type"]
    context = rendering.context_for(record, record_type, rule=rule)
    if kind == "create_activity":
        from peyvand.activities.services import create_activity

        owner = record.owner_id if action.get("owner", "record_owner") == "record_owner" else action["owner"]
        values: dict[str, Any] = {
            "kind": action.get("kind", "task"),
            "subject": rendering.render(action["subject"], context)[:200] or action["subject"][:200],
            "notes": rendering.render(action.get("notes", ""), context),
            "owner": owner,
            **_links(record, record_type),
        }
        if action.get("due"):
            values["due_at"] = run.fired_at + parse_relative(action["due"])
        activity = create_activity(actor=actor, values=values)
        return f"activity {activity.pk}"
    if kind == "assign_owner":
        _update(record, record_type, actor, {"owner": action["user"]})
        return f"owner {action['user']}"
    if kind == "update_field":
        name, value = action["field"], action.get("value")
        if name.startswith("custom."):
            values = {"custom": {name.removeprefix("custom."): value}}
        else:
            values = {name: value}
        _update(record, record_type, actor, values)
        return f"{name} = {value}"
    if kind == "add_tag":
        names = sorted({t.name for t in record.tags.all()} | {action["tag"]})
        _update(record, record_type, actor, {"tags": names})
        return f"tag {action['tag']}"
    if kind == "notify":
        from peyvand.notifications.services import notify

        users = []
        for who in action["recipients"]:
            if who == "owner":
                users.append(record.owner)
            elif who == "manager":
                users.extend(_managers_of(record.owner))
            else:
                users.extend(get_user_model().objects.filter(pk=who))
        # Without params, notify shows the rendered text as it is (no %-formatting of a user's text).
        title = rendering.render(action["title"], context)
        body = rendering.render(action.get("body", ""), context)
        created = notify(
            recipients=users,
            kind="automation",
            title=title,
            body=body,
            url=rendering.record_url(record_type, record.pk),
            key=f"automation:{run.pk}:{index}",
        )
        return f"notified {len(created)}"
    if kind in ("send_email", "send_sms"):
        from peyvand.messaging.services import send

        email = kind == "send_email"
        to = action["to"]
        if to == "owner":
            to = record.owner.email
        elif to == "contact":
            to = _contact_point(record, record_type, email=email)
        if not to:
            raise ValueError(_("The record has no address to send to."))
        html = email and action.get("html")
        body = rendering.render(action["body"], context, html=bool(html))
        message = send(
            channel="email" if email else "sms",
            to=to,
            subject=rendering.render(action.get("subject", ""), context) if email else "",
            body=html_lib.unescape(strip_tags(body)) if html else body,
            html_body=body if html else "",
            record_type=record_type,
            record_id=record.pk,
            source=f"automation:{rule.pk}",
        )
        return f"outbox {message.pk}"
    if kind == "webhook":
        payload = json.dumps(
            {
                "rule": {"id": rule.pk, "name": rule.name},
                "trigger": run.trigger,
                "record_type": record_type,
                "record": rendering.safe_fields(record, record_type),
                "fired_at": run.fired_at,
                "run": run.pk,
            },
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        ).encode()
        delivery = webhooks.post(
            action["url"], payload=payload, secret=rule.secret, event=run.trigger, delivery=str(run.pk)
        )
        return f"HTTP {delivery.status} after {delivery.attempts} attempt(s)"
    raise ValueError(_("There is no such action."))


FAILURE_TITLE = gettext_noop("Automation rule “%(rule)s” failed")
FAILURE_BODY = gettext_noop("It could not finish on %(record)s after %(attempts)s attempts: %(error)s")
