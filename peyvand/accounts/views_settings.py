"""The people settings: users and teams, managed by administrators inside the app.

Thin views over ``accounts.services`` (every write checks the right again and leaves an audit row) and
``accounts.selectors``; each page refuses anyone ``permissions.can_manage_people`` refuses (403), so hiding the
hub's card is never the guard. A refused value is shown on its field with the service's message.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.accounts import permissions, selectors, services
from peyvand.accounts.models import Role, Team
from peyvand.core.errors import PeyvandError
from peyvand.core.text import to_ascii_digits

USERS_PER_PAGE = 50
USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "team", *services.TAG_FIELDS)


def _admin_only(request: HttpRequest) -> None:
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied


def _errors(exc: PeyvandError) -> dict[str, list[str]]:
    """Each field's messages (a password can break several rules at once); a refusal of no field under ""."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors or [{"field": "", "message": exc.message}]:
        errors.setdefault(str(error.get("field") or ""), []).append(str(error["message"]))
    return errors


def _tags_shown(words: list[str]) -> str:
    return ", ".join(words)


def _user_values(request: HttpRequest) -> dict[str, Any]:
    values = {field: request.POST.get(field, "") for field in USER_FIELDS}
    values["team"] = to_ascii_digits(values["team"].strip())
    return values


def _form_context(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "roles": Role.choices,
        "teams": Team.objects.order_by("name"),
        "tag_fields": [
            ("skills", _("Skills"), _("such as: software, industrial")),
            ("territories", _("Territories (regions, cities)"), _("such as: Tehran, Alborz")),
            ("languages", _("Languages"), _("such as: fa, en")),
        ],
    }


@login_required
def users_view(request: HttpRequest):
    """Everyone who may sign in (or could, once reactivated), searchable by name and filtered by role, team and
    status."""
    _admin_only(request)
    params = {
        "search": request.GET.get("search", "")[:100],
        "role": request.GET.get("role", ""),
        "team": to_ascii_digits(request.GET.get("team", "")),
        "status": request.GET.get("status", "active"),
    }
    if params["status"] not in selectors.STATUSES:
        params["status"] = "active"
    users = selectors.users_for_settings(**params)
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/settings_users.html",
        {
            "page": page,
            "params": params,
            "roles": Role.choices,
            "teams": Team.objects.order_by("name"),
            "query": request.GET.copy(),
        },
    )


@login_required
def user_create_view(request: HttpRequest):
    _admin_only(request)
    values: dict[str, Any] = {"role": Role.SALES_REP}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _user_values(request)
        try:
            user = services.add_user(
                actor=request.user, values={**values, "password": request.POST.get("password", "")}
            )
        except PeyvandError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            errors = _errors(exc)
        else:
            messages.success(
                request, _("%(name)s is added and can sign in with the password you set.") % {"name": user}
            )
            return HttpResponseRedirect(reverse("settings-users"))
    context = _form_context(values, errors)
    context["password_help"] = password_validators_help_texts()
    return render(request, "accounts/settings_user_form.html", context, status=400 if errors else 200)


@login_required
def user_edit_view(request: HttpRequest, pk: int):
    _admin_only(request)
    person = get_object_or_404(services.people_manageable().select_related("team"), pk=pk)
    values: dict[str, Any] = {field: getattr(person, field) for field in USER_FIELDS if field != "team"}
    values["team"] = str(person.team_id or "")
    for field in services.TAG_FIELDS:
        values[field] = _tags_shown(values[field])
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _user_values(request)
        try:
            services.update_user(actor=request.user, user=person, values=values)
        except PeyvandError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            errors = _errors(exc)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": person})
            if person.pk == request.user.pk:
                # an administrator who gave up the role may no longer open this list
                request.user.refresh_from_db()
                if not permissions.can_manage_people(request.user):
                    return HttpResponseRedirect(reverse("home"))
            return HttpResponseRedirect(reverse("settings-users"))
        person.refresh_from_db()
    context = _form_context(values, errors)
    context["person"] = person
    return render(request, "accounts/settings_user_form.html", context, status=400 if errors else 200)


@login_required
@require_POST
def user_active_view(request: HttpRequest, pk: int):
    """Deactivate a user (signed out everywhere at once) or let them back in."""
    _admin_only(request)
    person = get_object_or_404(services.people_manageable(), pk=pk)
    active = request.POST.get("active") in ("1", "true")
    try:
        services.set_user_active(actor=request.user, user=person, active=active)
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, str(exc.message))
    else:
        if active:
            messages.success(request, _("%(name)s is active again and can sign in.") % {"name": person})
        else:
            messages.success(
                request, _("%(name)s is deactivated and signed out everywhere.") % {"name": person}
            )
    return HttpResponseRedirect(reverse("settings-user-edit", args=[person.pk]))


@login_required
def user_password_view(request: HttpRequest, pk: int):
    """Set a new password for someone who lost theirs."""
    _admin_only(request)
    person = get_object_or_404(services.people_manageable(), pk=pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.reset_password(
                actor=request.user, user=person, password=request.POST.get("password", "")
            )
        except PeyvandError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("%(name)s has a new password; their sessions are signed out. Tell them in person.")
                % {"name": person},
            )
            return HttpResponseRedirect(reverse("settings-user-edit", args=[person.pk]))
    return render(
        request,
        "accounts/settings_user_password.html",
        {"person": person, "errors": errors, "password_help": password_validators_help_texts()},
        status=400 if errors else 200,
    )


@login_required
def teams_view(request: HttpRequest):
    """The teams with their members, and a form to make one."""
    _admin_only(request)
    errors: dict[str, list[str]] = {}
    values = {"name": "", "city": ""}
    if request.method == "POST":
        values = {"name": request.POST.get("name", ""), "city": request.POST.get("city", "")}
        try:
            team = services.save_team(actor=request.user, values=values)
        except PeyvandError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            errors = _errors(exc)
        else:
            messages.success(request, _("Team “%(team)s” is made.") % {"team": team.name})
            return HttpResponseRedirect(reverse("settings-teams"))
    return render(
        request,
        "accounts/settings_teams.html",
        {"teams": selectors.teams_with_counts(), "values": values, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def team_edit_view(request: HttpRequest, pk: int):
    _admin_only(request)
    team = get_object_or_404(Team, pk=pk)
    values = {"name": team.name, "city": team.city}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {"name": request.POST.get("name", ""), "city": request.POST.get("city", "")}
        try:
            services.save_team(actor=request.user, team=team, values=values)
        except PeyvandError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            errors = _errors(exc)
            team.refresh_from_db()
        else:
            messages.success(request, _("Team “%(team)s” is saved.") % {"team": team.name})
            return HttpResponseRedirect(reverse("settings-teams"))
    members = services.people_manageable().filter(team=team).order_by("-is_active", "first_name", "username")
    return render(
        request,
        "accounts/settings_team_form.html",
        {"team": team, "values": values, "errors": errors, "members": members},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def team_delete_view(request: HttpRequest, pk: int):
    _admin_only(request)
    team = get_object_or_404(Team, pk=pk)
    try:
        services.delete_team(actor=request.user, team=team)
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Team “%(team)s” is deleted.") % {"team": team.name})
    return HttpResponseRedirect(reverse("settings-teams"))
