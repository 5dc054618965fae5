"""Pages of the service calendar: scheduling a field job (from a ticket or alone), a job's page, the resources
and the calendar's working day in the service desk's settings, and a resource's secret iCal address. Thin:
parse, call ``services_calendar``, render. The jobs themselves are drawn on the calendar page of activities
through the calendar source ``selectors_calendar.SOURCE``."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from peyvand.activities.ical import entries_calendar, feed_response
from peyvand.core.errors import PeyvandError
from peyvand.service import permissions_calendar as rights
from peyvand.service import selectors_calendar, services_calendar
from peyvand.service.models import Ticket
from peyvand.service.models_calendar import FieldJobStatus, ResourceKind, ServiceResource
from peyvand.service.views_sla_settings import _admins_only
from peyvand.web.forms import LocalDateTimeField, add_service_errors


def _technicians():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class JobForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = LocalDateTimeField(label=gettext_lazy("Starts at"), required=True)
    ends_at = LocalDateTimeField(label=gettext_lazy("Ends at"), required=True)
    technicians = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Technicians"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    resources = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("service calendar", "Resources"),
        queryset=ServiceResource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=FieldJobStatus.choices, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technicians"].queryset = _technicians()
        self.fields["resources"].queryset = ServiceResource.objects.filter(active=True)
        if not editing:
            del self.fields["status"]
            del self.fields["version"]


def _job_values(form: JobForm) -> dict:
    values = dict(form.cleaned_data)
    values.pop("version", None)
    values["technicians"] = list(values["technicians"])
    values["resources"] = list(values["resources"])
    return values


def _scheduler(user) -> None:
    if not rights.can_schedule_jobs(user):
        raise PermissionDenied


@login_required
def job_new_view(request):
    """Schedule a visit; from a ticket (``?ticket=``) the title, customer and ticket come with it."""
    _scheduler(request.user)
    ticket = None
    key = selectors_calendar.resource_key(request.GET.get("ticket") or request.POST.get("ticket"))
    if key is not None:
        ticket = Ticket.objects.visible_to(request.user).filter(pk=key).first()
        if ticket is None:
            raise Http404
    initial = {"ticket": ticket.pk, "title": ticket.subject} if ticket else {}
    form = JobForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services_calendar.schedule_job(actor=request.user, values=_job_values(form))
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The job is scheduled."))
            return HttpResponseRedirect(reverse("service:job", args=[job.pk]))
    return render(
        request,
        "service/calendar/job_form.html",
        {"form": form, "ticket": ticket, "job": None},
        status=400 if form.errors else 200,
    )


def _job_initial(job) -> dict:
    return {
        "title": job.title,
        "starts_at": job.starts_at,
        "ends_at": job.ends_at,
        "technicians": list(job.technicians.all()),
        "resources": list(job.resources.all()),
        "address": job.address,
        "status": job.status,
        "notes": job.notes,
        "ticket": job.ticket_id,
        "version": job.version,
    }


def _visible_job(request, pk: int):
    return get_object_or_404(
        selectors_calendar.with_bookings(selectors_calendar.jobs_visible_to(request.user)), pk=pk
    )


def _job_page(request, job, form, *, status: int = 200):
    return render(request, "service/calendar/job_detail.html", {"job": job, "form": form}, status=status)


@login_required
@require_GET
def job_view(request, pk: int):
    """A job's page; those who schedule get its form too (move, re-staff, mark done or cancelled)."""
    job = _visible_job(request, pk)
    can_edit = rights.can_schedule_jobs(request.user)
    return _job_page(request, job, JobForm(initial=_job_initial(job), editing=True) if can_edit else None)


@login_required
@require_POST
def job_edit_view(request, pk: int):
    job = _visible_job(request, pk)
    _scheduler(request.user)
    form = JobForm(request.POST, initial=_job_initial(job), editing=True)
    if form.is_valid():
        try:
            services_calendar.update_job(
                actor=request.user,
                job=job,
                version=form.cleaned_data.get("version"),
                values=_job_values(form),
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service:job", args=[job.pk]))
    return _job_page(request, job, form, status=400)


@require_safe
def resource_feed_view(request, token: str):
    """A resource's secret iCal address: no session, the address is the key; an unknown one is not found."""
    resource = selectors_calendar.resource_for_feed_token(token)
    if resource is None:
        raise Http404
    now = timezone.now()
    body = entries_calendar(
        str(resource), selectors_calendar.resource_feed_entries(resource, now=now), now=now
    )
    return feed_response(body, filename="peyvand-resource.ics")


# --- settings: resources and the working day ------------------------------------------------------------------------


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("A plate, serial or room number; unique when given."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class CalendarSettingsForm(forms.Form):
    day_start = forms.CharField(
        label=gettext_lazy("Working day starts"), widget=forms.TextInput(attrs={"type": "time", "dir": "ltr"})
    )
    day_end = forms.CharField(
        label=gettext_lazy("Working day ends"), widget=forms.TextInput(attrs={"type": "time", "dir": "ltr"})
    )
    refuse_outside_hours = forms.BooleanField(
        label=gettext_lazy("Refuse jobs outside working hours"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise such a job (or one on a day off or a holiday) is scheduled and flagged on the calendar."
        ),
    )


def _settings_form(data=None) -> CalendarSettingsForm:
    row = services_calendar.calendar_settings()
    return CalendarSettingsForm(
        data,
        initial={
            "day_start": row.day_start.strftime("%H:%M"),
            "day_end": row.day_end.strftime("%H:%M"),
            "refuse_outside_hours": row.refuse_outside_hours,
        },
        auto_id="id_hours_%s",
    )


@login_required
def resources_view(request):
    """The resources jobs book, and the field service's working day (POST saves the latter)."""
    _admins_only(request.user)
    form = _settings_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services_calendar.save_calendar_settings(actor=request.user, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-resources") + "#hours")
    return render(
        request,
        "service/settings/resources.html",
        {"resources": ServiceResource.objects.all(), "hours_form": form},
        status=400 if form.errors else 200,
    )


@login_required
def resource_view(request, pk: int | None = None):
    """Add (no pk) or change a resource; its page also gives its calendar feed address."""
    _admins_only(request.user)
    resource = get_object_or_404(ServiceResource, pk=pk) if pk else None
    initial = (
        {k: getattr(resource, k) for k in ("kind", "name", "code", "notes", "active")} if resource else None
    )
    form = ResourceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services_calendar.save_resource(
                actor=request.user, resource=resource, values=form.cleaned_data
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("service-resources"))
    return render(
        request,
        "service/settings/resource_form.html",
        {
            "form": form,
            "resource": resource,
            "feed_url": selectors_calendar.resource_feed_url(resource) if resource else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resource_feed_rotate_view(request, pk: int):
    _admins_only(request.user)
    services_calendar.rotate_resource_feed(
        actor=request.user, resource=get_object_or_404(ServiceResource, pk=pk)
    )
    messages.success(request, _("The resource's calendar has a new address; the old one no longer works."))
    return HttpResponseRedirect(reverse("service-resource", args=[pk]) + "#feed")
