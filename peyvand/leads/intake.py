"""Leads arriving from outside: embedded web forms and inbound e-mail.

Each submission becomes one lead in one transaction (lead, score, assignment and, where configured, a deal),
so a refusal anywhere stores nothing. Public forms are protected by the form's unguessable key, a honeypot
field people never see, and a per-address rate limit.
"""

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role, User
from peyvand.contacts.models import Contact
from peyvand.core import inbound_mail
from peyvand.core.choices import Channel
from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed
from peyvand.core.inbound_mail import parse_email
from peyvand.core.text import normalize_email
from peyvand.leads import permissions
from peyvand.leads.models import IntakeAttempt, Lead, WebForm
from peyvand.leads.services import create_lead
from peyvand.web.forms import MoneyField, add_custom_fields, form_values, money_fields

HONEYPOT = "website_url"  # a field bots fill in and people never see (hidden by CSS, not by type=hidden)
INTAKE_USERNAME = "peyvand-intake"
RATE_WINDOW = dt.timedelta(minutes=10)


def rate_limit() -> int:
    return getattr(settings, "PEYVAND_INTAKE_RATE_LIMIT", 5)


def intake_actor() -> User:
    """The user public intake acts as: an administrator no one can sign in as (no usable password), so
    rules may give leads to anyone and the audit trail says the lead came in by itself."""
    user, created = User.objects.get_or_create(
        username=INTAKE_USERNAME, defaults={"role": Role.ADMIN, "first_name": "Intake", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def fallback_owner() -> User | None:
    """Who gets a lead no rule and no default owner claims: the first administrator."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role=Role.ADMIN))
        .exclude(username=INTAKE_USERNAME)
        .order_by("id")
        .first()
    )


def active_form(key: str) -> WebForm:
    form = WebForm.objects.filter(key=str(key)[:64], active=True).select_related("pipeline").first()
    if form is None:
        raise NotFound(_("No such form, or it is closed."))
    return form


# --- web forms ---------------------------------------------------------------------------------------------


class PublicLeadForm(forms.Form):
    """The inputs a web form asks for, made from the lead's own fields (labels, lengths, choices)."""

    def __init__(self, web_form: WebForm, data=None):
        super().__init__(data)
        plain = [f for f in web_form.fields if not f.startswith("custom.")]
        generated = forms.fields_for_model(Lead, fields=plain)
        for name in money_fields(Lead):  # the budget, typed in the unit pages show (Toman by default)
            if name in generated:
                generated[name] = MoneyField(label=generated[name].label, required=False)
        add_custom_fields(self, "lead", None)
        custom = {
            f"cf_{f[7:]}": self.fields[f"cf_{f[7:]}"] for f in web_form.fields if f"cf_{f[7:]}" in self.fields
        }
        self.fields = {}
        for name in web_form.fields:
            key = f"cf_{name[7:]}" if name.startswith("custom.") else name
            field = custom.get(key) if name.startswith("custom.") else generated.get(name)
            if field is None:
                continue
            field.required = name == "last_name" or name in web_form.required_fields
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and not field.required:
                field.choices = [("", "—"), *[c for c in field.choices if c[0] != ""]]
            self.fields[key] = field

    @staticmethod
    def api_name(name: str) -> str:
        return f"custom.{name[3:]}" if name.startswith("cf_") else name


def _check_rate(form: WebForm, address: str) -> None:
    """Count this submission and refuse past the limit; counted in its own transaction, so refused and
    failed submissions count too."""
    now = timezone.now()
    with transaction.atomic():
        IntakeAttempt.objects.filter(at__lt=now - RATE_WINDOW * 6).delete()
        recent = IntakeAttempt.objects.filter(form=form, address=address, at__gte=now - RATE_WINDOW).count()
        if recent >= rate_limit():
            raise PeyvandError(
                "intake.rate_limited",
                _("Too many submissions from your address; try again in a few minutes."),
                status=429,
            )
        IntakeAttempt.objects.create(form=form, address=address)


def submit_web_form(*, form: WebForm, data: dict[str, Any], address: str, page_url: str = "") -> Lead:
    """Turn one public submission into a lead, or refuse it with an error per field and store nothing."""
    if str(data.get(HONEYPOT) or "").strip():
        raise PeyvandError("intake.rejected", _("This submission was not accepted."), status=400)
    _check_rate(form, address or "0.0.0.0")
    public = PublicLeadForm(form, data={k: v for k, v in data.items() if k != HONEYPOT})
    if not public.is_valid():
        raise ValidationFailed(
            [
                {"field": public.api_name(name), "message": str(message)}
                for name, messages in public.errors.items()
                for message in messages
            ]
        )
    values = form_values(public)
    values.update(
        source=form.source,
        source_detail=form.name,
        source_url=page_url[:500] if page_url.startswith(("http://", "https://")) else "",
        web_form=form,
        pipeline=form.pipeline,
    )
    with transaction.atomic():
        # A person who writes in again is a new enquiry, not a mistake to refuse.
        return create_lead(
            actor=intake_actor(),
            values=values,
            allow_duplicate=True,
            use_rules=form.use_assignment_rules,
            default_owner=form.default_owner or fallback_owner(),
            open_deal=True if form.open_deal else None,
        )


def web_form_data(form: WebForm, payload: dict[str, Any]) -> dict[str, Any]:
    """A JSON body as form data: ``custom.<key>`` (or a nested ``custom`` object) for custom fields; a field
    the form does not ask for is refused by name."""
    data: dict[str, Any] = {}
    custom = payload.get("custom") if isinstance(payload.get("custom"), dict) else {}
    items = [
        *((k, v) for k, v in payload.items() if k != "custom"),
        *((f"custom.{k}", v) for k, v in custom.items()),
    ]
    errors = []
    for name, value in items:
        if name != HONEYPOT and name not in form.fields:
            errors.append({"field": name, "message": _("This form does not ask for this field.")})
            continue
        if isinstance(value, dict | list):
            errors.append({"field": name, "message": _("Send text or a number.")})
            continue
        key = f"cf_{name[7:]}" if name.startswith("custom.") else name
        data[key] = "" if value is None else str(value)
    if errors:
        raise ValidationFailed(errors)
    return data


# --- e-mail ------------------------------------------------------------------------------------------------


def known_contact(address: str) -> Contact | None:
    for contact in Contact.objects.filter(search_text__contains=address).select_related("company", "owner"):
        if address in [normalize_email(e) for e in contact.emails]:
            return contact
    return None


def intake_email(*, actor, raw: bytes, pipeline=None) -> tuple[Any, bool]:
    """The record one e-mail becomes, or the one the same message already made: (record, created).

    A route an app registered (``core.inbound_mail``) takes the message it claims — mail to a support address
    opens a ticket; anything else becomes a lead. A sender who is a known contact is linked to that contact (and
    given to its owner) instead of becoming an anonymous new person.
    """
    if not permissions.can_post_email(actor):
        raise PeyvandError(
            permissions.INTAKE_FORBIDDEN,
            _("Only an administrator or integration may post e-mail."),
            status=403,
        )
    mail = parse_email(raw)
    route = inbound_mail.claimant(mail)
    if route is not None:
        return route.receive(actor=actor, mail=mail)
    existing = Lead.all_objects.filter(message_id=mail.message_id).first()
    if existing is not None:
        return existing, False
    contact = known_contact(mail.email)
    if contact is not None:
        first, last = contact.first_name, contact.last_name
    else:
        first, _sep, last = mail.name.rpartition(" ")
        last = last or mail.email.split("@")[0]
    description = "\n\n".join(p for p in (mail.subject, mail.body) if p)[:10000]
    values = {
        "first_name": first[:100],
        "last_name": last[:100],
        "email": mail.email,
        "description": description,
        "source": Channel.EMAIL,
        "source_detail": mail.subject[:200],
        "message_id": mail.message_id,
        "contact": contact,
        "pipeline": pipeline,
    }
    if contact is not None:
        values.update(
            title=contact.title,
            company=contact.company,
            company_name=contact.company.name if contact.company else "",
            owner=contact.owner,
            assignment_reason=_("The sender is a known contact; given to its owner %(user)s.")
            % {"user": contact.owner},
        )
    try:
        with transaction.atomic():
            lead = create_lead(
                actor=actor, values=values, allow_duplicate=True, default_owner=fallback_owner()
            )
    except IntegrityError:  # the same message delivered twice at once: the other delivery made the lead
        existing = Lead.all_objects.filter(message_id=mail.message_id).first()
        if existing is None:
            raise
        return existing, False
    return lead, True
