"""Generic pages for every screen: list, record page, create/edit form, delete and restore.

Thin by design: parse the request, call the resource's selector or service, render. htmx requests for the
results table get only the table partial; every link also works without JavaScript.
"""

import inspect
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from peyvand.core import bulk, jalali, registry, saved_views
from peyvand.core.audit import plain_value, snapshot
from peyvand.core.errors import DuplicateRefusal, NotFound, PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.listing import paginate
from peyvand.core.permissions import can_see_deleted
from peyvand.core.records import assignable_users, delete_record, restore_record
from peyvand.core.search import search_records
from peyvand.core.timeline import timeline_for
from peyvand.web.columns import chooser, chosen_columns
from peyvand.web.filters import custom_field_filters, other_filters
from peyvand.web.forms import add_service_errors, form_values
from peyvand.web.screens import Screen


def _record(request, screen: Screen, pk: int, *, include_deleted: bool = False):
    try:
        return screen.resource.get(
            request, pk, include_deleted=include_deleted and can_see_deleted(request.user)
        )
    except PeyvandError:
        raise Http404 from None


@login_required
def list_view(request, screen: Screen):
    params = request.GET.dict()
    errors = []
    try:
        page = paginate(screen.resource.list(request, params), params.get("page"), params.get("page_size"))
    except ValidationFailed as exc:
        errors = exc.errors
        page = paginate(screen.resource.visible(request.user).none())
    if screen.prepare_rows:
        screen.prepare_rows(request.user, page.items)
    if screen.row_class:
        now = timezone.now()
        for row in page.items:
            row.row_class = screen.row_class(row, now)
    columns, columns_chosen = chosen_columns(screen, request.GET.getlist("columns"))
    filters = [
        (f, f.options(request.user))
        for f in (*screen.list_filters, *custom_field_filters(screen.resource.list_spec.entity))
    ]
    context = {
        "screen": screen,
        "page": page,
        "errors": errors,
        "params": params,
        "filters": filters,
        "other_filters": other_filters(screen, params, {f.param for f, _options in filters}),
        "ordering": params.get("ordering") or screen.resource.list_spec.default_ordering,
        "page_sizes": _page_sizes(page.size),
        "bulk_owners": assignable_users(request.user).order_by("username"),
        "saved_views": list(saved_views.views_for(request.user, screen.name)),
        "bulk_tags": bool(registry.by_plural(screen.name) and registry.by_plural(screen.name).tagged),
        "bulk_actions": [
            (action, action.bulk_options(request.user))
            for action in bulk.actions_for(registry.by_plural(screen.name))
        ],
        "sortable": screen.resource.list_spec.ordering,
        "columns": columns,
        "columns_value": ",".join(columns) if columns_chosen else "",
        "column_rows": chooser(screen, columns),
        **_transfers(screen),
    }
    # "New …" and "Import" only for someone who may create here (the products for a rep: read only)
    context["can_create"] = screen.can_create is None or screen.can_create(request.user)
    context["importable"] = context["importable"] and context["can_create"]
    template = "web/_table.html" if request.htmx and request.htmx.target == "results" else "web/list.html"
    return render(request, template, context)


def _page_sizes(current: int) -> list[int]:
    """The rows-per-page choices a list offers: the usual ones up to the allowed maximum, and the current one."""
    usual = {settings.PEYVAND_PAGE_SIZE, 25, 50, 100, settings.PEYVAND_MAX_PAGE_SIZE, current}
    return sorted(n for n in usual if 0 < n <= settings.PEYVAND_MAX_PAGE_SIZE)


def _transfers(screen: Screen) -> dict[str, bool]:
    """Whether the list offers export (the type has exportable fields) and import (importable fields)."""
    record_type = registry.by_plural(screen.name)
    return {
        "exportable": bool(record_type and record_type.fields_where("exportable")),
        "importable": bool(record_type and record_type.fields_where("importable")),
    }


@login_required
def detail_view(request, screen: Screen, pk: int):
    record = _record(request, screen, pk, include_deleted=True)
    can_change = screen.can_change is None or screen.can_change(request.user, record)
    context = {
        "screen": screen,
        "can_change": can_change,
        "record": record,
        "record_type": registry.for_model(record),
        "timeline": timeline_for(request.user, record),
        "timeline_actions": registry.timeline_actions(),
        "record_sections": registry.record_sections(),
        "inline_fields": ()
        if record.deleted_at or not can_change
        else _inline_fields(request.user, screen, record),
    }
    if screen.detail_extra:
        context.update(screen.detail_extra(request.user, record))
    return render(
        request,
        f"{screen.model._meta.app_label}/{screen.model._meta.model_name}_detail.html"
        if _has_template(screen)
        else "web/detail.html",
        context,
    )


def _inline_fields(user, screen: Screen, record) -> tuple[str, ...]:
    """The fields of the record page this user edits in place: the screen's, as far as the edit form offers
    them to this user (no owner field for a rep, for one)."""
    if not screen.inline_fields:
        return ()
    offered = screen.form_class(user=user, instance=record).fields
    return tuple(name for name in screen.inline_fields if name in offered)


@login_required
@require_http_methods(["GET", "POST"])
def inline_field_view(request, screen: Screen, pk: int, name: str):
    """One field of a record page edited in place (htmx): GET gives its input (``?show=1``: its value again, to
    cancel), POST saves it alone through the record's service, as the edit form would, and answers the value
    as it now reads, or the input again with the error named.

    The same rights as the edit form: the record must be one the user sees and not deleted (else 404), and the
    field one the form offers them. The version is the one read when the input was opened; a change made
    meanwhile to other fields does not stop this one, a change to this very field does.
    """
    record = _record(request, screen, pk)
    if screen.can_change is not None and not screen.can_change(request.user, record):
        raise Http404
    if name not in _inline_fields(request.user, screen, record):
        raise Http404
    if request.method == "GET":
        mode = "show" if request.GET.get("show") else "edit"
        return _inline(request, screen, record, name, mode)
    form = screen.form_class(request.POST, user=request.user, instance=record)
    field = form.fields[name]
    try:
        value = field.clean(
            field.widget.value_from_datadict(request.POST, request.FILES, form.add_prefix(name))
        )
    except DjangoValidationError as exc:
        return _inline(request, screen, record, name, "edit", errors=exc.messages, typed=request.POST)
    version = _int(request.POST.get("version"))
    try:
        try:
            screen.resource.update(actor=request.user, instance=record, version=version, values={name: value})
        except StaleVersion as exc:
            if name in exc.extra["changed_since"]:
                raise
            # someone changed other fields meanwhile: this one is still as the user saw it
            record = _record(request, screen, pk)
            screen.resource.update(
                actor=request.user, instance=record, version=record.version, values={name: value}
            )
    except StaleVersion:
        record = _record(request, screen, pk)
        message = _(
            "Someone changed this field meanwhile; its value now is shown. Change it again if need be."
        )
        return _inline(request, screen, record, name, "edit", errors=[message])
    except PeyvandError as exc:
        errors = [str(e["message"]) for e in exc.errors if e.get("field") in (name, None)] or [
            str(exc.message)
        ]
        return _inline(request, screen, record, name, "edit", errors=errors, typed=request.POST)
    return _inline(request, screen, _record(request, screen, pk), name, "show", saved=True)


def _inline(request, screen: Screen, record, name: str, mode: str, *, errors=(), typed=None, saved=False):
    form = screen.form_class(typed, user=request.user, instance=record)
    # the service's own message names the field, in the page's language, where the browser's would not
    form.use_required_attribute = False
    label = form.fields[name].label or name
    return render(
        request,
        "web/_inline_field.html",
        {
            "screen": screen,
            "record": record,
            "name": name,
            "label": label,
            "mode": mode,
            "field": form[name],
            "errors": errors,
            "saved": saved,
        },
    )


def _has_template(screen: Screen) -> bool:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template(f"{screen.model._meta.app_label}/{screen.model._meta.model_name}_detail.html")
    except TemplateDoesNotExist:
        return False
    return True


@login_required
def form_view(request, screen: Screen, pk: int | None = None):
    instance = _record(request, screen, pk) if pk else None
    if instance is None and screen.can_create is not None and not screen.can_create(request.user):
        raise PermissionDenied
    initial = {name: request.GET[name] for name in screen.initial_from_request if request.GET.get(name)}
    form = screen.form_class(request.POST or None, user=request.user, instance=instance, initial=initial)
    stale = duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                # Services that look for duplicates refuse them until the user ticks "save anyway".
                extra = (
                    {"allow_duplicate": request.POST.get("allow_duplicate") == "on"}
                    if "allow_duplicate" in inspect.signature(screen.resource.create).parameters
                    else {}
                )
                record = screen.resource.create(actor=request.user, values=form_values(form), **extra)
                if _in_dialog(request):
                    # made from another page (a record's "+ Call", the header's "+ New"): stay there, told where
                    # the new record is; a record's page shows it on its timeline
                    messages.success(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>',
                            _("Saved."),
                            reverse(f"{screen.name}:detail", args=[record.pk]),
                            str(record),
                        ),
                    )
                    return HttpResponse(status=204, headers={"HX-Refresh": "true"})
                messages.success(request, _("Saved."))
            else:
                record = screen.resource.update(
                    actor=request.user,
                    instance=instance,
                    version=_int(request.POST.get("version")),
                    values=form_values(form),
                )
                messages.success(request, _("Changes saved."))
            return HttpResponseRedirect(reverse(f"{screen.name}:detail", args=[record.pk]))
        except StaleVersion as exc:
            stale = exc
            instance = _record(request, screen, pk)
            form = screen.form_class(
                user=request.user,
                instance=instance,
                initial=_own_edits(form, instance, exc.extra["changed_since"]),
            )
        except DuplicateRefusal as exc:
            duplicates = exc.candidates
        except PeyvandError as exc:
            add_service_errors(form, exc)
    if _in_dialog(request):
        return render(
            request, "web/_dialog_form.html", {"screen": screen, "form": form, "duplicates": duplicates}
        )
    return render(
        request,
        "web/duplicates_form.html" if duplicates else "web/form.html",
        {
            "screen": screen,
            "form": form,
            "record": instance,
            "stale": stale,
            "duplicates": duplicates,
            "version": instance.version if instance else None,
        },
    )


def _in_dialog(request) -> bool:
    """A new record's form asked for inside the dialog of another record's page ("+ Call" on a deal)."""
    return bool(request.htmx and request.htmx.target == "quick-dialog-body")


def _own_edits(form, current, changed_since: dict) -> dict:
    """What the user changed in the form they opened, to lay over the record as it is now.

    A field counts as theirs when its value differs from what they saw: the value before the other change for
    fields that changed meanwhile, the current value for the rest.
    """
    now = snapshot(current)
    edits = {}
    for name, value in form.cleaned_data.items():
        if name not in now:
            edits[name] = value
            continue
        seen = changed_since[name][0] if name in changed_since else now[name]
        if plain_value(current._meta.get_field(name), value) != seen:
            edits[name] = value
    return edits


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def delete_view(request, screen: Screen, pk: int):
    record = _record(request, screen, pk)
    try:
        delete_record(record, actor=request.user, version=_int(request.POST.get("version")))
        messages.success(request, _("Deleted. An administrator can restore it."))
        return HttpResponseRedirect(reverse(f"{screen.name}:list"))
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse(f"{screen.name}:detail", args=[pk]))


@login_required
@require_POST
def restore_view(request, screen: Screen, pk: int):
    record = _record(request, screen, pk, include_deleted=True)
    try:
        restore_record(record, actor=request.user)
        messages.success(request, _("Restored."))
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse(f"{screen.name}:detail", args=[pk]))


@login_required
def job_view(request, pk: int):
    """A job's progress; htmx polls it every second until the job is finished."""
    from peyvand.core.jobs import jobs_visible_to

    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    template = "web/_job.html" if request.htmx else "web/job.html"
    return render(request, template, {"job": job})


@login_required
def settings_view(request):
    """The settings hub: a card for each section the user may open (``core.settings_sections``), grouped."""
    from peyvand.core.settings_sections import GROUPS, sections_for

    mine = sections_for(request.user)
    if not mine and not request.user.is_staff:
        raise PermissionDenied
    groups = [(g, [s for s in mine if s.group == g]) for g in GROUPS]
    return render(request, "web/settings.html", {"groups": [(g, items) for g, items in groups if items]})


@login_required
def search_view(request):
    """Global search: every kind of record the user may see, grouped by kind. The header's box asks for the
    short list as the user types (htmx, ``#search-results``); Enter opens the whole page."""
    query = request.GET.get("q", "").strip()
    short = bool(request.htmx and request.htmx.target == "search-results")
    groups = search_records(request.user, query, limit_per_type=5 if short else 20)
    template = "web/_search_results.html" if short else "web/search.html"
    return render(request, template, {"query": query, "groups": groups})


@login_required
@require_POST
def bulk_view(request, screen: Screen):
    """Assign, tag, delete or a registered action on the records ticked on a list; back to the list saying what
    was done and refused."""
    record_type = registry.by_plural(screen.name)
    action = request.POST.get("action", "")
    value = request.POST.get("owner") if action == bulk.ASSIGN else request.POST.get("tag")
    extra = next((a for a in bulk.actions_for(record_type) if a.key == action), None)
    try:
        result = bulk.apply_bulk(
            actor=request.user,
            record_type=record_type,
            ids=request.POST.getlist("ids"),
            action=action,
            value=value,
            values={name: request.POST.get(name, "") for name in extra.params} if extra else None,
        )
    except ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, str(error["message"]))
    else:
        if result.done:
            messages.success(
                request,
                ngettext("%(n)s record changed.", "%(n)s records changed.", result.done)
                % {"n": jalali.persian_digits(result.done) if jalali.uses_jalali() else result.done},
            )
        for record, reason in result.refused[:20]:
            messages.error(request, _("%(record)s: %(reason)s") % {"record": record, "reason": reason})
    return _back_to_list(request, screen)


def _back_to_list(request, screen: Screen) -> HttpResponseRedirect:
    """To the list the form was sent from (``next``, this site only), else the plain list."""
    target = request.POST.get("next") or reverse(f"{screen.name}:list")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(f"{screen.name}:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def save_view_view(request, screen: Screen):
    """Keep the list's current filters, sorting and columns under a name (shared with the team if asked)."""
    # the columns are those of the list as it is now, read from the same query as its filters
    shown = parse_qs(request.POST.get("query", "")).get("columns", [])
    columns, columns_chosen = chosen_columns(screen, shown)
    try:
        view = saved_views.save_view(
            actor=request.user,
            list_name=screen.name,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            share=request.POST.get("share") == "on",
            columns=list(columns) if columns_chosen else [],
        )
    except ValidationFailed as exc:
        for error in exc.errors:
            messages.error(request, str(error["message"]))
        return _back_to_list(request, screen)
    messages.success(request, _("View saved."))
    return HttpResponseRedirect(f"{reverse(f'{screen.name}:list')}?{view.link_query}")


@login_required
@require_POST
def delete_view_view(request, screen: Screen, view_id: int):
    try:
        saved_views.delete_view(actor=request.user, view_id=view_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("View deleted."))
    return _back_to_list(request, screen)
