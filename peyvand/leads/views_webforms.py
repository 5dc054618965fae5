"""The settings pages of the public lead forms (administrators): the list, a form's settings with the code to
embed it, and deactivating one. Thin views over ``leads.webforms.save_web_form``, the one write path.

The fields a form asks are a table of checkboxes with the fields' own labels: tick to ask, tick to require, and
a number to put them in order (the order the visitor reads them in).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.core.choices import Channel
from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits
from peyvand.leads import permissions
from peyvand.leads.models import WebForm
from peyvand.leads.webforms import (
    embed_snippets,
    field_choices,
    owner_choices,
    save_web_form,
    web_forms_for_settings,
)
from peyvand.sales.selectors import pipelines_visible_to

CHECKED = ("1", "on", "true")
# The inputs that show their own error beside them; any other error is said at the top of the form.
FIELDS_SHOWN = {"name", "fields", "required_fields", "source", "pipeline", "default_owner", "thank_you"}


def _admin_only(user) -> None:
    if not permissions.can_manage_web_forms(user):
        raise PermissionDenied


def _errors(exc: PeyvandError) -> dict[str, str]:
    """{field: message} for the template; a refusal that names no field under ""."""
    found: dict[str, str] = {}
    for item in exc.errors or []:
        key = str(item.get("field") or "")
        found[key] = f"{found[key]} {item['message']}" if key in found else str(item["message"])
    return found or {"": str(exc.message)}


def _position(value: str, default: int) -> int:
    try:
        return int(to_ascii_digits(value.strip()))
    except ValueError:
        return default


def _rows(form: WebForm | None, post) -> list[dict[str, Any]]:
    """One row per field a form may ask: a form's own fields first in its order, then the rest; on a post, as
    ticked and numbered (sorted by the numbers typed, ties in the order shown)."""
    choices = dict(field_choices())
    asked = [name for name in (form.fields if form else []) if name in choices]
    names = asked + [name for name in choices if name not in asked]
    if post is None:
        fields = asked if form else ["first_name", "last_name", "phone", "email"]
        required = set(form.required_fields) if form else {"last_name"}
        return [
            {
                "name": name,
                "label": choices[name],
                "asked": name in fields,
                "required": name in required,
                "position": i + 1,
            }
            for i, name in enumerate(names)
        ]
    ticked, required = set(post.getlist("ask")), set(post.getlist("required"))
    rows = [
        {
            "name": name,
            "label": choices[name],
            "asked": name in ticked,
            "required": name in required,
            "position": _position(post.get(f"position_{name}", ""), i + 1),
        }
        for i, name in enumerate(names)
    ]
    rows.sort(key=lambda row: row["position"])  # stable: equal numbers keep the order shown
    return rows


def _values(post, rows) -> dict[str, Any]:
    return {
        "name": post.get("name", ""),
        "fields": [row["name"] for row in rows if row["asked"]],
        "required_fields": [row["name"] for row in rows if row["asked"] and row["required"]],
        "source": post.get("source", ""),
        "pipeline": to_ascii_digits(post.get("pipeline", "")) or None,
        "open_deal": post.get("open_deal") in CHECKED,
        "use_assignment_rules": post.get("use_assignment_rules") in CHECKED,
        "default_owner": to_ascii_digits(post.get("default_owner", "")) or None,
        "thank_you": post.get("thank_you", ""),
        "active": post.get("active") in CHECKED,
    }


@login_required
def web_forms_view(request):
    """Every web form with its status, leads brought in and public address."""
    _admin_only(request.user)
    return render(request, "leads/webforms/list.html", {"web_forms": web_forms_for_settings()})


@login_required
def web_form_edit_view(request, pk: int | None = None):
    """A new form, or a form's settings with the code that puts it on a website."""
    _admin_only(request.user)
    form = get_object_or_404(WebForm, pk=pk) if pk is not None else None
    errors: dict[str, str] = {}
    rows = _rows(form, None)
    values: dict[str, Any] = {}
    if request.method == "POST":
        rows = _rows(form, request.POST)
        values = _values(request.POST, rows)
        try:
            saved = save_web_form(actor=request.user, web_form=form, values=values)
        except PeyvandError as exc:
            errors = _errors(exc)
            if form is not None:
                form.refresh_from_db()
        else:
            messages.success(
                request, _("Form saved.") if form else _("Form created. Put it on your website.")
            )
            return HttpResponseRedirect(reverse("leads-web-form-edit", args=[saved.pk]))
    elif form is not None:
        values = {
            "name": form.name,
            "source": form.source,
            "pipeline": form.pipeline_id,
            "open_deal": form.open_deal,
            "use_assignment_rules": form.use_assignment_rules,
            "default_owner": form.default_owner_id,
            "thank_you": form.thank_you,
            "active": form.active,
        }
    else:
        values = {"source": Channel.WEBSITE, "use_assignment_rules": True, "active": True}
    context: dict[str, Any] = {
        "web_form": form,
        "rows": rows,
        "values": values,
        "errors": errors,
        "general_errors": [message for field, message in errors.items() if field not in FIELDS_SHOWN],
        "sources": Channel.choices,
        "pipelines": pipelines_visible_to(request.user),
        "owners": owner_choices(request.user),
        "chosen_pipeline": str(values.get("pipeline") or ""),
        "chosen_owner": str(values.get("default_owner") or ""),
    }
    if form is not None:
        # The public page is Persian unless its address asks for English: the code is given for either.
        english = request.GET.get("embed") == "en"
        public_url = request.build_absolute_uri(reverse("public_form", args=[form.key]))
        public_url += "?lang=en" if english else ""
        context["embed_english"] = english
        context["public_url"] = public_url
        context["snippets"] = embed_snippets(
            form=form,
            public_url=public_url,
            script_url=request.build_absolute_uri(static("peyvand/embed.js")),
        )
    return render(request, "leads/webforms/form.html", context, status=400 if errors else 200)


@login_required
@require_POST
def web_form_active_view(request, pk: int):
    """Close a form (its public page answers "no such form") or open it again, in one click."""
    _admin_only(request.user)
    form = get_object_or_404(WebForm, pk=pk)
    active = request.POST.get("active") in CHECKED
    try:
        save_web_form(actor=request.user, web_form=form, values={"active": active})
    except PeyvandError as exc:
        messages.error(request, " ".join(_errors(exc).values()))
    else:
        messages.success(request, _("The form is open again.") if active else _("The form is closed."))
    return HttpResponseRedirect(reverse("leads-web-forms"))
