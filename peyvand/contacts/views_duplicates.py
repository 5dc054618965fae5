"""Pages for duplicates: the scan's groups, the merge screen (one radio per field), a merge and its undo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.contacts import merge as merging
from peyvand.contacts import permissions
from peyvand.contacts.duplicates import group_records, groups_visible_to
from peyvand.contacts.tasks import start_duplicate_scan
from peyvand.core import registry
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.listing import paginate


def _entity(request) -> str:
    entity = request.GET.get("entity") or request.POST.get("entity") or "contact"
    if entity not in merging.mergeable_types():
        raise Http404
    return entity


def _screen(entity: str) -> str:
    """The URL namespace of the record type's pages (its plural)."""
    return registry.get(entity).plural


def _may_review(user) -> None:
    if not permissions.can_review_duplicates(user):
        raise PermissionDenied


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        return 1


@login_required
def duplicates_view(request):
    _may_review(request.user)
    entity = _entity(request)
    page = paginate(
        groups_visible_to(request.user, entity).order_by("-score", "id"), _page_number(request), 50
    )
    records = group_records(request.user, page.items)
    groups = [(g, records[g.pk]) for g in page.items if len(records[g.pk]) > 1]
    merges = merging.merges_visible_to(request.user, entity)[:10]
    return render(
        request,
        "contacts/duplicates.html",
        {"entity": entity, "groups": groups, "page": page, "merges": merges, "screen": _screen(entity)},
    )


@login_required
@require_POST
def scan_view(request):
    try:
        job = start_duplicate_scan(actor=request.user)
    except PeyvandError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        raise
    return HttpResponseRedirect(reverse("job", args=[job.pk]))


def _ids(raw: str) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(x) for x in raw.split(",") if x.strip()))
    except ValueError:
        raise Http404 from None
    if not 2 <= len(ids) <= 50 or any(not 0 < i < 2**63 for i in ids):
        raise Http404
    return ids


@login_required
def merge_view(request):
    """Every record side by side; the user picks the survivor and, for each field, whose value it keeps."""
    entity = _entity(request)
    ids = _ids(request.GET.get("ids", ""))
    model = merging.model_for(entity)
    try:
        records = [merging.get_visible(model, pk, request.user) for pk in ids]
    except NotFound:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            survivor_pk = int(request.POST.get("survivor", ""))
            survivor = next(r for r in records if r.pk == survivor_pk)
            version = int(request.POST.get(f"version_{survivor_pk}", survivor.version))
        except (ValueError, StopIteration):
            error = _("Pick the record that stays.")
        else:
            choices = {name: request.POST.get(f"field_{name}") for name in merging.chosen_fields(entity)}
            try:
                merge = merging.merge_records(
                    actor=request.user,
                    survivor=survivor,
                    others=[r for r in records if r.pk != survivor.pk],
                    choices=choices,
                    version=version,
                )
            except NotFound:
                raise Http404 from None
            except PeyvandError as exc:
                error = exc.message
            else:
                messages.success(request, _("Merged. You can undo it below."))
                return HttpResponseRedirect(reverse("merge-detail", args=[merge.pk]))
    rows = []
    for name in merging.chosen_fields(entity):
        values = [(r, getattr(r, model._meta.get_field(name).attname)) for r in records]
        rows.append(
            {
                "name": name,
                "label": model._meta.get_field(name).verbose_name,
                "values": values,
                "differ": len({repr(v) for _, v in values}) > 1,
            }
        )
    return render(
        request,
        "contacts/merge.html",
        {
            "entity": entity,
            "records": records,
            "rows": rows,
            "error": error,
            "ids": ",".join(map(str, ids)),
            "screen": _screen(entity),
        },
    )


def _merge(request, pk: int):
    for entity in merging.mergeable_types():
        found = merging.merges_visible_to(request.user, entity).filter(pk=pk).first()
        if found:
            return found
    raise Http404


@login_required
def merge_detail_view(request, pk: int):
    merge = _merge(request, pk)
    model = merging.model_for(merge.entity)
    survivor = model.all_objects.get(pk=merge.survivor_id)
    others = list(model.all_objects.visible_to(request.user).filter(pk__in=merge.other_ids))
    return render(
        request,
        "contacts/merge_detail.html",
        {"merge": merge, "survivor": survivor, "others": others, "screen": _screen(merge.entity)},
    )


@login_required
@require_POST
def undo_view(request, pk: int):
    merge = _merge(request, pk)
    try:
        merging.undo_merge(actor=request.user, merge=merge)
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The merge was undone."))
    return HttpResponseRedirect(reverse("merge-detail", args=[merge.pk]))
