"""The public lead forms administrators define on the settings pages: what a form may ask, the one service that
saves a form (validated, audited), the list with its submissions, and the code a website embeds.

A module of its own beside ``intake.py`` (which turns a submission into a lead): the settings of a form and its
submissions change for different reasons. The API has no route for forms yet; when it gets one it calls
``save_web_form`` too, so the rules stay in one place.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from peyvand.core.audit import save_audited, snapshot
from peyvand.core.choices import Channel
from peyvand.core.customfields import fields_for
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.records import assignable_users, field_error
from peyvand.core.text import clean_display_text
from peyvand.leads import permissions
from peyvand.leads.intake import INTAKE_USERNAME
from peyvand.leads.models import WEB_FORM_FIELDS, Lead, WebForm
from peyvand.sales.models import Pipeline
from peyvand.sales.selectors import pipelines_visible_to

BOOLEANS = ("open_deal", "use_assignment_rules", "active")
# The height an embedded form starts at before it reports its own (and keeps without scripts).
EMBED_HEIGHT = "40rem"


def field_choices() -> list[tuple[str, str]]:
    """Every field a form may ask, as (name, label in the reader's language): the lead's own, then its custom
    fields, as the settings page offers them."""
    plain = [
        (name, capfirst(str(getattr(Lead._meta.get_field(name), "verbose_name", name))))
        for name in WEB_FORM_FIELDS
    ]
    return plain + [(f"custom.{f.key}", f.label) for f in fields_for("lead")]


def web_forms_for_settings() -> QuerySet[WebForm]:
    """Every form, active first, with the number of leads it brought in (deleted leads not counted)."""
    return (
        WebForm.objects.select_related("pipeline", "default_owner")
        .annotate(submissions=Count("leads", filter=Q(leads__deleted_at__isnull=True)))
        .order_by("-active", "name", "id")
    )


def owner_choices(actor) -> QuerySet:
    """Who may be a form's default owner: the people the actor may give records to, not the intake account."""
    return assignable_users(actor).exclude(username=INTAKE_USERNAME).order_by("first_name", "last_name", "id")


def _require_admin(actor) -> None:
    if not permissions.can_manage_web_forms(actor):
        raise PeyvandError(
            permissions.WEB_FORMS_FORBIDDEN, _("Only an administrator can change web forms."), status=403
        )


def _names(value: Any, field: str) -> list[str]:
    """A list of field names, each once, in the order given."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise field_error(field, _("Give a list of field names."))
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _pipeline(actor, value: Any) -> Pipeline | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Pipeline) else value
    try:
        return pipelines_visible_to(actor).get(pk=pk)
    except (Pipeline.DoesNotExist, ValueError, TypeError):
        raise field_error("pipeline", _("No such pipeline, or you may not use it.")) from None


def _owner(actor, value: Any):
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    try:
        return owner_choices(actor).get(pk=pk)
    except (get_user_model().DoesNotExist, ValueError, TypeError, ValidationError):
        raise field_error("default_owner", _("You may not give records to this user.")) from None


def _apply(actor, form: WebForm, values: dict[str, Any], creating: bool) -> None:
    """Set what ``values`` gives on ``form``, refusing a bad value with an error naming its field."""
    if "name" in values or creating:
        name = clean_display_text(values.get("name") or "")
        if not name:
            raise field_error("name", _("This field is required."))
        form.name = name
    if "fields" in values or creating:
        form.fields = _names(values.get("fields") or [], "fields")
        if not form.fields:
            raise field_error("fields", _("List the fields the form asks for."))
    if "required_fields" in values:
        form.required_fields = _names(values.get("required_fields") or [], "required_fields")
    if "last_name" in form.fields and "last_name" not in form.required_fields:
        # the public form always asks the last name as required (intake.PublicLeadForm): say so here too
        form.required_fields = ["last_name", *form.required_fields]
    if "source" in values:
        if values["source"] not in Channel.values:
            raise field_error("source", _("Choose one of the offered sources."))
        form.source = values["source"]
    if "pipeline" in values:
        form.pipeline = _pipeline(actor, values["pipeline"])
    if "default_owner" in values:
        form.default_owner = _owner(actor, values["default_owner"])
    if "thank_you" in values:
        form.thank_you = clean_display_text(values.get("thank_you") or "")
    for name in BOOLEANS:
        if values.get(name) is not None:
            setattr(form, name, bool(values[name]))


@transaction.atomic
def save_web_form(*, actor, web_form: WebForm | None = None, values: dict[str, Any]) -> WebForm:
    """Create a form or change one (only the values given); every change is written to the audit trail.

    The model's own ``clean`` holds the rules of the field list (known fields, the last name asked, required
    among asked), so the settings page, the admin and a future API refuse the same lists; its messages come
    back naming their field.
    """
    _require_admin(actor)
    creating = web_form is None
    form = web_form or WebForm()
    before = {} if creating else snapshot(form)
    _apply(actor, form, values, creating)
    # Closing or opening a form is always allowed, even when its field list went stale (a custom field
    # deleted since): the list is checked when the form itself is edited.
    if creating or set(values) != {"active"}:
        try:
            form.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise ValidationFailed(
                [
                    {"field": field if field != "__all__" else None, "message": message}
                    for field, messages in exc.message_dict.items()
                    for message in messages
                ]
            ) from None
    return save_audited(form, actor=actor, before=before, creating=creating)


def embed_snippets(*, form: WebForm, public_url: str, script_url: str) -> dict[str, str]:
    """The HTML a website pastes to show the form: a plain iframe (works everywhere, fixed height) and a script
    tag that inserts the iframe and keeps it as tall as the form (static/peyvand/embed.js)."""
    title = escape(form.name)
    url = escape(public_url)
    return {
        "iframe": (
            f'<iframe src="{url}" title="{title}" loading="lazy" '
            f'style="border:0;width:100%;height:{EMBED_HEIGHT}"></iframe>'
        ),
        "script": (
            f'<script src="{escape(script_url)}" data-peyvand-form="{url}" data-title="{title}" async></script>'
        ),
    }
