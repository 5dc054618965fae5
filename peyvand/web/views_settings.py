"""The settings pages of core's own configuration: the working days and holidays, and the custom fields.

Their models live in ``core`` (every app paces plans by the calendar, and custom fields belong to companies,
contacts, leads and deals alike), so their pages are here in ``web``, the layer that hosts screens spanning record
types; ``core`` registers the sections of the hub. The views only parse and render: the rules, the right and the
audit row are in ``core.workdays``, ``core.holidays`` and ``core.customfields``, the same functions any other
caller uses.
"""

import jdatetime
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.core import customfields, holidays, jalali, permissions, workdays
from peyvand.core.errors import PeyvandError
from peyvand.core.models import (
    CustomField,
    CustomFieldEntity,
    CustomFieldType,
    DayShare,
    Holiday,
    WorkingWeek,
)
from peyvand.core.text import to_ascii_digits
from peyvand.web.forms import LocalDateField, add_service_errors

# The Iranian week starts on Saturday; so does the page, in both languages.
WEEK_ORDER = ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")
MAX_UPLOAD = 2 * 1024 * 1024


def _errors(exc: PeyvandError) -> dict[str, str]:
    """A service's refusal as {field: message}; one without a field under ""."""
    found: dict[str, str] = {}
    for item in exc.errors or []:
        key = str(item.get("field") or "")
        found[key] = f"{found[key]} {item['message']}" if key in found else str(item["message"])
    return found or {"": str(exc.message)}


def _int(value) -> int | None:
    try:
        return int(to_ascii_digits(str(value or "")).strip())
    except ValueError:
        return None


# --- working days and holidays ----------------------------------------------------------------------------------


def _require_calendar_admin(user) -> None:
    if not permissions.can_change_working_days(user):
        raise PermissionDenied


class HolidayForm(forms.Form):
    date = LocalDateField(label=gettext_lazy("date"))
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    share = forms.ChoiceField(label=gettext_lazy("worked"), choices=DayShare.choices, initial=DayShare.OFF)


def _year(request) -> tuple[int, bool]:
    """The year the holidays list shows (?year=): Jalali on a Persian page, Gregorian otherwise; this year when
    the value is missing or outside the calendar's bounds."""
    uses_jalali = jalali.uses_jalali()
    today = timezone.localdate()
    current = jdatetime.date.fromgregorian(date=today).year if uses_jalali else today.year
    first = (
        jdatetime.date.fromgregorian(date=jalali.FIRST_DAY).year + 1 if uses_jalali else jalali.FIRST_DAY.year
    )
    last = (
        jdatetime.date.fromgregorian(date=jalali.LAST_DAY).year - 1 if uses_jalali else jalali.LAST_DAY.year
    )
    year = _int(request.GET.get("year") or request.POST.get("year"))
    if year is None or not first <= year <= last:
        year = current
    return year, uses_jalali


def _working_days_page(request, *, week_errors=None, holiday_form=None, import_errors=None, status=200):
    year, uses_jalali = _year(request)
    first, last = holidays.year_bounds(year, jalali=uses_jalali)
    week = workdays.working_week()
    chosen = request.POST if week_errors else {}
    days = [
        {
            "name": name,
            "label": WorkingWeek._meta.get_field(name).verbose_name,
            "value": chosen.get(name, getattr(week, name)),
            "error": (week_errors or {}).get(name, ""),
        }
        for name in WEEK_ORDER
    ]
    rows = list(holidays.holidays_between(first, last))
    this_year = _year_now(uses_jalali)
    return render(
        request,
        "web/settings/working_days.html",
        {
            "days": days,
            "shares": DayShare.choices,
            "week_general": [m for k, m in (week_errors or {}).items() if k not in WorkingWeek.DAY_FIELDS],
            "holidays": rows,
            "year": year,
            "years": range(min(year, this_year) - 2, max(year, this_year) + 3),
            "holiday_form": holiday_form or HolidayForm(),
            "import_errors": import_errors or [],
        },
        status=status,
    )


def _year_now(uses_jalali: bool) -> int:
    today = timezone.localdate()
    return jdatetime.date.fromgregorian(date=today).year if uses_jalali else today.year


def _back_to_year(request) -> HttpResponseRedirect:
    year, _uses_jalali = _year(request)
    return HttpResponseRedirect(f"{reverse('settings-working-days')}?year={year}")


@login_required
def working_days_view(request):
    """The working week (one select per weekday) and the holidays of a year; a POST saves the week."""
    _require_calendar_admin(request.user)
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in WorkingWeek.DAY_FIELDS if name in request.POST}
        try:
            workdays.save_working_week(actor=request.user, values=values)
        except PeyvandError as exc:
            return _working_days_page(request, week_errors=_errors(exc), status=400)
        messages.success(request, _("The working week is saved."))
        return _back_to_year(request)
    return _working_days_page(request)


@login_required
@require_POST
def holiday_add_view(request):
    _require_calendar_admin(request.user)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday = holidays.save_holiday(actor=request.user, values=form.cleaned_data)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Holiday “%(name)s” added on %(date)s.")
                % {"name": holiday.name, "date": jalali.format_date(holiday.date)},
            )
            return _back_to_year(request)
    return _working_days_page(request, holiday_form=form, status=400)


@login_required
def holiday_edit_view(request, pk: int):
    """Change a holiday's date, name or share."""
    _require_calendar_admin(request.user)
    holiday = get_object_or_404(Holiday, pk=pk)
    if request.method == "POST":
        form = HolidayForm(request.POST)
        if form.is_valid():
            try:
                holiday = holidays.save_holiday(actor=request.user, holiday=holiday, values=form.cleaned_data)
            except PeyvandError as exc:
                add_service_errors(form, exc)
                holiday.refresh_from_db()
            else:
                messages.success(request, _("Holiday saved."))
                return HttpResponseRedirect(f"{reverse('settings-working-days')}?year={_year_of(holiday)}")
    else:
        form = HolidayForm(initial={"date": holiday.date, "name": holiday.name, "share": holiday.share})
    return render(
        request,
        "web/settings/holiday_form.html",
        {"holiday": holiday, "form": form, "year": _year_of(holiday)},
        status=400 if form.errors else 200,
    )


def _year_of(holiday: Holiday) -> int:
    if jalali.uses_jalali():
        return jdatetime.date.fromgregorian(date=holiday.date).year
    return holiday.date.year


@login_required
@require_POST
def holiday_delete_view(request, pk: int):
    _require_calendar_admin(request.user)
    holiday = get_object_or_404(Holiday, pk=pk)
    year = _year_of(holiday)
    holidays.delete_holiday(actor=request.user, holiday=holiday)
    messages.success(request, _("Holiday “%(name)s” deleted.") % {"name": holiday.name})
    return HttpResponseRedirect(f"{reverse('settings-working-days')}?year={year}")


@login_required
@require_POST
def official_holidays_view(request):
    """Add Iran's fixed-date official holidays of the year shown."""
    _require_calendar_admin(request.user)
    year, uses_jalali = _year(request)
    first, last = holidays.year_bounds(year, jalali=uses_jalali)
    added = holidays.add_official_holidays(actor=request.user, first=first, last=last)
    if added:
        messages.success(request, _("Official holidays added: %(count)s.") % {"count": added})
    else:
        messages.info(request, _("The official holidays of this year are already in the list."))
    return _back_to_year(request)


@login_required
@require_POST
def holidays_import_view(request):
    """A CSV or XLSX of holidays (date, name, share); a bad row refuses the whole file, each problem listed."""
    _require_calendar_admin(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        return _working_days_page(request, import_errors=[{"message": _("Choose a file.")}], status=400)
    if upload.size > MAX_UPLOAD:
        return _working_days_page(
            request, import_errors=[{"message": _("The file is larger than 2 MB.")}], status=400
        )
    try:
        report = holidays.import_holidays(actor=request.user, content=upload.read(), filename=upload.name)
    except PeyvandError as exc:
        return _working_days_page(request, import_errors=exc.errors or [{"message": exc.message}], status=400)
    messages.success(
        request,
        _("Holidays imported: %(created)s new, %(updated)s changed.")
        % {"created": report.created, "updated": report.updated},
    )
    return _back_to_year(request)


# --- custom fields ----------------------------------------------------------------------------------------------


def _require_fields_admin(user) -> None:
    if not permissions.can_change_custom_fields(user):
        raise PermissionDenied


def _entity(request) -> str:
    entity = request.GET.get("entity") or request.POST.get("entity") or ""
    return entity if entity in CustomFieldEntity.values else CustomFieldEntity.CONTACT


def _posted_field(request) -> dict:
    return {
        "entity": request.POST.get("entity", ""),
        "label": request.POST.get("label", ""),
        "key": request.POST.get("key", ""),
        "field_type": request.POST.get("field_type", ""),
        "choices": request.POST.get("choices", ""),
        "required": request.POST.get("required") in ("1", "on", "true"),
        "order": _int(request.POST.get("order")) if request.POST.get("order", "").strip() else None,
    }


def _bad_order(request, errors: dict[str, str]) -> None:
    """An order that is not a number is refused here, since the service only sees numbers."""
    raw = request.POST.get("order", "").strip()
    if raw and _int(raw) is None:
        errors["order"] = _("Enter a whole number from 0 to %(max)s.") % {"max": customfields.MAX_ORDER}


@login_required
def custom_fields_view(request):
    """The fields of one record type (tabs for the others), with a form to add one."""
    _require_fields_admin(request.user)
    entity = _entity(request)
    errors: dict[str, str] = {}
    values: dict = {"entity": entity, "field_type": CustomFieldType.TEXT}
    if request.method == "POST":
        values = _posted_field(request)
        _bad_order(request, errors)
        if not errors:
            try:
                field = customfields.create_custom_field(actor=request.user, values=values)
            except PeyvandError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Field “%(label)s” added.") % {"label": field.label})
                return HttpResponseRedirect(f"{reverse('settings-custom-fields')}?entity={field.entity}")
    fields = list(CustomField.objects.filter(entity=entity))
    return render(
        request,
        "web/settings/custom_fields.html",
        {
            "entity": entity,
            "entities": CustomFieldEntity.choices,
            "types": CustomFieldType.choices,
            "fields": fields,
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def custom_field_edit_view(request, pk: int):
    """Change a field's label, choices, required and order; its type only while no record holds a value."""
    _require_fields_admin(request.user)
    field = get_object_or_404(CustomField, pk=pk)
    errors: dict[str, str] = {}
    holding = customfields.records_with_value(field.entity, field.key)
    values = {
        "label": field.label,
        "field_type": field.field_type,
        "choices": "\n".join(field.choices or []),
        "required": field.required,
        "order": field.order,
    }
    if request.method == "POST":
        values = _posted_field(request)
        values.pop("entity")
        _bad_order(request, errors)
        if not errors:
            try:
                customfields.update_custom_field(actor=request.user, field=field, values=values)
            except PeyvandError as exc:
                errors = _errors(exc)
                field.refresh_from_db()
            else:
                messages.success(request, _("Field “%(label)s” saved.") % {"label": field.label})
                return HttpResponseRedirect(f"{reverse('settings-custom-fields')}?entity={field.entity}")
    return render(
        request,
        "web/settings/custom_field_form.html",
        {
            "field": field,
            "values": values,
            "errors": errors,
            "types": CustomFieldType.choices,
            "holding": holding,
        },
        status=400 if errors else 200,
    )


@login_required
def custom_field_delete_view(request, pk: int):
    """A page that says what deleting does (how many records hold a value) before the field is deleted."""
    _require_fields_admin(request.user)
    field = get_object_or_404(CustomField, pk=pk)
    holding = customfields.records_with_value(field.entity, field.key)
    if request.method == "POST":
        # A field records hold values of is deleted only once its key is typed: a click alone is too easy.
        if holding and to_ascii_digits(request.POST.get("confirm", "")).strip() != field.key:
            error = _("Type the field's key, %(key)s, to delete it.") % {"key": field.key}
            return render(
                request,
                "web/settings/custom_field_delete.html",
                {"field": field, "holding": holding, "error": error},
                status=400,
            )
        entity, label = field.entity, field.label
        customfields.delete_custom_field(actor=request.user, field=field)
        messages.success(request, _("Field “%(label)s” deleted.") % {"label": label})
        return HttpResponseRedirect(f"{reverse('settings-custom-fields')}?entity={entity}")
    return render(request, "web/settings/custom_field_delete.html", {"field": field, "holding": holding})
