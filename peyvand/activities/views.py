import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from peyvand.activities import calendar_grid, permissions, selectors
from peyvand.activities.ical import feed_calendar, feed_response
from peyvand.activities.models import Activity, ActivityKind, CalendarFeed
from peyvand.activities.resources import ACTIVITIES
from peyvand.activities.services import (
    complete_activity,
    loggable_types,
    postpone_activity,
    replan_activity,
    reschedule_activity,
    rotate_calendar_feed,
)
from peyvand.core import jalali, registry
from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed
from peyvand.core.links import linked_record
from peyvand.core.permissions import can_choose_owner
from peyvand.core.records import assignable_users
from peyvand.core.search import search_records
from peyvand.core.text import to_ascii_digits
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import LocalDateTimeField, RecordForm, add_service_errors
from peyvand.web.screens import Screen

# The reminders the form offers; the API may set any other whole number of minutes, which the form then keeps.
REMINDER_PRESETS = (0, 5, 10, 15, 30, 60, 120, 24 * 60, 2 * 24 * 60, 7 * 24 * 60)


def describe_reminder(minutes: int) -> str:
    """ "10 minutes before", "1 hour before", "2 days before", "At the due time", with the page's digits."""
    if minutes == 0:
        return _("At the due time")
    if minutes % (24 * 60) == 0:
        n = minutes // (24 * 60)
        text = ngettext("%(n)s day before", "%(n)s days before", n) % {"n": n}
    elif minutes % 60 == 0:
        n = minutes // 60
        text = ngettext("%(n)s hour before", "%(n)s hours before", n) % {"n": n}
    else:
        text = ngettext("%(n)s minute before", "%(n)s minutes before", minutes) % {"n": minutes}
    return jalali.persian_digits(text) if jalali.uses_jalali() else text


class ActivityForm(RecordForm):
    model = Activity
    field_names = (
        "kind",
        "subject",
        "due_at",
        "duration_minutes",
        "reminders",
        "outcome",
        "notes",
        "record_type",
        "record_id",
        "owner",
    )

    reminders = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Reminders"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "reminder-choices"}),
        help_text=gettext_lazy("Before the due time, in the app and by e-mail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.instance.reminders) if self.instance is not None else []
        minutes = sorted(set(REMINDER_PRESETS) | {m for m in current if isinstance(m, int)})
        self.fields["reminders"].choices = [(m, describe_reminder(m)) for m in minutes]
        # The record it is about comes from the page it was started on (or the activity being edited) and is
        # shown, not picked: the form carries it along unchanged.
        for name in ("record_type", "record_id"):
            self.fields[name].widget = forms.HiddenInput()
        self.linked = self._linked()
        self.linked_label = capfirst(self.linked._meta.verbose_name) if self.linked is not None else ""
        # A new activity picks what it is about (prefilled from the record page it was started on); an existing
        # one shows its record, moved only through the API.
        self.picker_template = "activities/_record_picker.html" if self.instance is None else ""
        if self.linked is not None and "subject" in self.fields:
            # what it is about is already chosen: the subject is what to type first (dialog.js honours autofocus)
            self.fields["subject"].widget.attrs["autofocus"] = True

    def _linked(self):
        source = self.data if self.is_bound else {**self.initial}
        record_type, record_id = source.get("record_type"), source.get("record_id")
        if not record_type or not record_id:
            return None
        try:
            return linked_record(self.user, str(record_type), record_id)
        except PeyvandError:
            return None


class ActivityScreen(Screen):
    @property
    def detail_fields(self) -> tuple[str, ...]:
        # Reminders are told in words below the fields (activities/activity_detail.html), not as raw minutes; the
        # record it is on is shown by name and link, not as its type and id.
        hidden = {"reminders", "record_type", "record_id"}
        return ("record", *(name for name in super().detail_fields if name not in hidden))


def _activity_extra(user, activity: Activity) -> dict:
    selectors.with_records(user, [activity])  # ``activity.record``, for the "record" field the page shows
    return {
        "reminders": [describe_reminder(m) for m in activity.reminders],
        "overdue": activity.deleted_at is None and activity.is_overdue(timezone.now()),
    }


ACTIVITY_SCREEN = ActivityScreen(
    resource=ACTIVITIES,
    form_class=ActivityForm,
    columns=("kind", "subject", "due_at", "done_at", "record", "owner"),
    extra_fields=("done_at",),
    filters=(
        owner_filter(),
        choices_filter("kind", gettext_lazy("Kind"), ActivityKind.choices),
        choices_filter(
            "open", gettext_lazy("Done?"), [("true", gettext_lazy("Open")), ("false", gettext_lazy("Done"))]
        ),
    ),
    detail_extra=_activity_extra,
    initial_from_request=("record_type", "record_id", "kind"),
    row_class=lambda activity, now: "overdue" if activity.is_overdue(now) else "",
    prepare_rows=selectors.with_records,
    can_create=lambda user: permissions.can_create_activities(user),  # looked up when asked: one rule
    row_actions="activities/_row_actions.html",
)


@login_required
@require_POST
def done_view(request, pk: int):
    activity = ACTIVITIES.get(request, pk)
    try:
        complete_activity(
            actor=request.user,
            activity=activity,
            version=int(request.POST.get("version", 0)),
            outcome=request.POST.get("outcome", ""),
        )
        messages.success(request, _("Marked as done."))
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    target = request.POST.get("next") or reverse("activities:detail", args=[pk])
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("activities:detail", args=[pk])
    return HttpResponseRedirect(target)


# --- rescheduling and reassigning ---------------------------------------------------------------------------------


class ReplanForm(forms.Form):
    """A new due time (the page's calendar: Jalali in Persian) and, for those who hand work to others, a new owner
    among the users they may give records to."""

    due_at = LocalDateTimeField(label=gettext_lazy("New due time"), required=False)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("New owner"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, data=None, *, user, activity: Activity):
        super().__init__(data, initial={"due_at": activity.due_at, "owner": activity.owner_id})
        if can_choose_owner(user):
            self.fields["owner"].queryset = assignable_users(user).order_by("first_name", "username")
        else:
            del self.fields["owner"]


def _next_or(request, fallback: str) -> str:
    """Back to the page the action was taken on (``next``, this site only), else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _in_dialog(request) -> bool:
    return bool(request.htmx and request.htmx.target == "quick-dialog-body")


def _refusal(error: PeyvandError) -> str:
    details = [str(e.get("message", "")) for e in error.errors or [] if e.get("message")]
    return " ".join(details) or str(error.message)


@login_required
def replan_view(request, pk: int):
    """Reschedule or reassign one activity: a form (in the page's dialog when htmx asks for it), or the quick
    "+1 day" / "Next week" buttons (``shift`` of 1 or 7 days), each through the activities service."""
    activity = ACTIVITIES.get(request, pk)
    detail = reverse("activities:detail", args=[pk])
    version = _int(request.POST.get("version"))
    if request.method == "POST" and "shift" in request.POST:
        try:
            activity = postpone_activity(
                actor=request.user, activity=activity, version=version, days=_int(request.POST["shift"]) or 0
            )
            messages.success(request, _moved_message(activity))
        except PeyvandError as exc:
            messages.error(request, _refusal(exc))
        return HttpResponseRedirect(_next_or(request, detail))
    form = ReplanForm(request.POST or None, user=request.user, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = replan_activity(
                actor=request.user,
                activity=activity,
                version=version,
                due_at=form.cleaned_data.get("due_at"),
                owner=form.cleaned_data.get("owner"),
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _moved_message(activity))
            if _in_dialog(request):
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return HttpResponseRedirect(_next_or(request, detail))
    context = {"form": form, "record": activity, "next": _next_or(request, "")}
    template = "activities/_replan_form.html" if _in_dialog(request) else "activities/replan.html"
    return render(request, template, context)


def _moved_message(activity: Activity) -> str:
    return _("%(subject)s: due %(due)s, owner %(owner)s.") % {
        "subject": activity.subject,
        "due": jalali.format_datetime(activity.due_at) or "—",
        "owner": activity.owner,
    }


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- what a new activity is about: the record picker -------------------------------------------------------------


@login_required
@require_GET
def record_choices_view(request):
    """The records an activity may be logged on that match the picker's words, among those the user may see
    (the global search, narrowed to the types that take activities)."""
    groups = search_records(
        request.user,
        request.GET.get("q", ""),
        limit_per_type=5,
        types={t.name for t in loggable_types()},
    )
    for group in groups:
        group.singular = capfirst(registry.get(group.record_type).label)
    return render(
        request, "activities/_record_choices.html", {"groups": groups, "query": request.GET.get("q", "")}
    )


# --- the calendar -------------------------------------------------------------------------------------------------


def _anchor(value: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(to_ascii_digits(value or ""))
        if 1900 <= day.year <= 2200:
            return day
    except ValueError:
        pass
    return timezone.localdate()


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _event(activity: Activity, now: dt.datetime, *, jalali_page: bool) -> dict:
    local = timezone.localtime(activity.due_at)
    time = local.strftime("%H:%M")
    return {
        "activity": activity,
        "time": jalali.persian_digits(time) if jalali_page else time,
        "overdue": activity.is_overdue(now),
    }


def _entry(entry: registry.CalendarEntry, *, jalali_page: bool) -> dict:
    start, end = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
    time = f"{start:%H:%M}–{end:%H:%M}"
    return {"entry": entry, "time": jalali.persian_digits(time) if jalali_page else time}


@login_required
@require_GET
def calendar_view(request):
    """Day, week and month of the user's (or, for a manager, a teammate's) tasks, meetings and calls."""
    user = request.user
    try:
        owner = selectors.calendar_owner(user, request.GET.get("user") or None)
    except NotFound:
        raise Http404 from None
    view = request.GET.get("view") if request.GET.get("view") in calendar_grid.VIEWS else "week"
    jalali_page = jalali.uses_jalali()
    span = calendar_grid.span(view, _anchor(request.GET.get("date")), jalali=jalali_page)
    now = timezone.now()
    start, end = _local_midnight(span.first), _local_midnight(span.last + dt.timedelta(days=1))
    # Apps above activities add their entries (a technician's field jobs) and filters (a resource) through the
    # registry; a filter chosen shows that source's entries alone, without the person's activities.
    sources = registry.calendar_sources()
    filters = [f for source in sources for f in (source.filters(user) if source.filters else [])]
    chosen = [f for f in filters if request.GET.get(f.param)]
    events = (
        []
        if chosen
        else [
            _event(a, now, jalali_page=jalali_page)
            for a in selectors.calendar_events(user, start=start, end=end, owner=owner)
        ]
    )
    entries = [
        _entry(entry, jalali_page=jalali_page)
        for source in sources
        for entry in source.entries(user, owner=owner, start=start, end=end, params=request.GET)
    ]
    by_slot: dict[tuple[dt.date, int | None], list[dict]] = {}
    for event in [*events, *entries]:
        local = timezone.localtime(event["entry"].starts_at if "entry" in event else event["activity"].due_at)
        slot = (local.date(), None if view == "month" else local.hour)
        by_slot.setdefault(slot, []).append(event)
    today = timezone.localdate()

    def cell(day: dt.date, hour: int | None = None) -> dict:
        return {
            "date": day,
            "iso": day.isoformat(),
            "hour": hour,
            "number": calendar_grid.day_number(day, jalali=jalali_page),
            "label": calendar_grid.date_label(day, jalali=jalali_page),
            "weekday": calendar_grid.weekday_name(day),
            "in_month": calendar_grid.in_month(day, span.anchor, jalali=jalali_page),
            "is_today": day == today,
            "events": by_slot.get((day, hour), []),
        }

    days = calendar_grid.days(span)
    context = {
        "view": view,
        "span": span,
        "title": calendar_grid.title(span, jalali=jalali_page),
        "owner": owner,
        "owners": list(selectors.calendar_owners(user).order_by("first_name", "username"))
        if permissions.can_open_others_calendars(user)
        else [],
        "anchor": span.anchor.isoformat(),
        "previous": span.previous.isoformat(),
        "next": span.next.isoformat(),
        "today": today.isoformat(),
        "events": events,
        "entries": entries,
        "calendar_filters": [
            {
                "filter": f,
                "value": request.GET.get(f.param, ""),
                "choice": dict(f.choices).get(request.GET.get(f.param, "")),
            }
            for f in filters
        ],
        "filtered": bool(chosen),
        "overdue_count": sum(1 for e in events if e["overdue"]),
        "move_hours": view != "month",
    }
    if view == "month":
        context["weekday_names"] = calendar_grid.weekday_names(jalali=jalali_page)
        context["weeks"] = [[cell(d) for d in days[i : i + 7]] for i in range(0, len(days), 7)]
    else:
        context["columns"] = [cell(d) for d in days]
        context["hours"] = [
            {
                "hour": h,
                "label": calendar_grid.hour_label(h, jalali=jalali_page),
                "cells": [cell(d, h) for d in days],
            }
            for h in range(24)
        ]
    if owner == user and not chosen:
        feed = selectors.calendar_feed_of(user)
        context["feed_url"] = selectors.feed_url(feed) if feed else None
        # webcal:// opens the subscribe dialog of the calendar app the system has.
        context["feed_webcal"] = "webcal://" + context["feed_url"].split("://", 1)[1] if feed else None
    return render(request, "activities/calendar.html", context)


def _error_json(error: PeyvandError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


@login_required
@require_POST
def calendar_move_view(request, pk: int):
    """The calendar's drop: another day (month view) or day and hour (week and day views), version checked."""
    activity = ACTIVITIES.get(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    errors = []
    try:
        day = jalali.check_in_range(dt.date.fromisoformat(request.POST.get("date", "")))
    except jalali.DateOutOfRange as exc:
        errors.append({"field": "date", "message": str(exc)})
    except ValueError:
        errors.append({"field": "date", "message": _("Send the day as YYYY-MM-DD.")})
    hour = request.POST.get("hour", "")
    if hour not in ("", None) and not (hour.isdigit() and 0 <= int(hour) <= 23):
        errors.append({"field": "hour", "message": _("The hour is a whole number from 0 to 23.")})
    if activity.due_at is None:
        errors.append({"field": "due_at", "message": _("This activity has no due time to move.")})
    if errors:
        return _error_json(ValidationFailed(errors))
    local = jalali.local_time(activity.due_at)  # a time stored at the end of the calendar stays UTC
    new_time = dt.time(int(hour) if hour else local.hour, local.minute)
    try:
        activity = reschedule_activity(
            actor=request.user,
            activity=activity,
            version=version,
            due_at=timezone.make_aware(dt.datetime.combine(day, new_time)),
        )
    except PeyvandError as exc:
        return _error_json(exc)
    event = _event(activity, timezone.now(), jalali_page=jalali.uses_jalali())
    return JsonResponse(
        {
            "id": activity.pk,
            "version": activity.version,
            "due_at": activity.due_at.isoformat(),
            "time": event["time"],
            "overdue": event["overdue"],
        }
    )


@login_required
@require_POST
def calendar_feed_rotate_view(request):
    rotate_calendar_feed(user=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return HttpResponseRedirect(reverse("calendar") + "#feed")


@require_safe
def calendar_feed_view(request, token: str):
    """The secret iCal address: no session, the address is the key; an unknown one is not found."""
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    body = feed_calendar(feed.user, now=now, todo=request.GET.get("todo") in ("1", "true"))
    return feed_response(body, filename="peyvand.ics")


@login_required
def home(request):
    """The start page: the user's overdue, today's and coming tasks, and their open deals closing soonest."""
    from peyvand.sales.selectors import deals_visible_to

    tasks = selectors.my_open_tasks(request.user)
    open_deals = (
        deals_visible_to(request.user)
        .filter(owner=request.user, status="open")
        .order_by("expected_close_date", "-amount")[:10]
    )
    return render(
        request,
        "web/home.html",
        {
            "overdue": selectors.with_records(request.user, tasks["overdue"][:50]),
            "today": selectors.with_records(request.user, tasks["today"][:50]),
            "upcoming": selectors.with_records(request.user, tasks["upcoming"][:50]),
            "open_deals": open_deals,
        },
    )
