import jdatetime
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from peyvand.core.errors import ValidationFailed
from peyvand.core.holidays import import_holidays
from peyvand.core.models import AuditEntry, CustomField, Holiday, Tag, WorkingWeek


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ("entity", "key", "label", "field_type", "required", "order")
    list_filter = ("entity", "field_type")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "content_type", "object_id", "actor", "version")
    list_filter = ("action", "content_type")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkingWeek)
class WorkingWeekAdmin(admin.ModelAdmin):
    """One row: how much of each weekday is worked (plan pacing counts working days with it)."""

    list_display = ("__str__", "saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday")

    def has_add_permission(self, request):
        return not WorkingWeek.objects.exists()


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "jalali_date", "name", "share")
    list_filter = ("share",)
    search_fields = ("name",)
    date_hierarchy = "date"
    change_list_template = "admin/core/holiday/change_list.html"

    @admin.display(description=_("Jalali date"))
    def jalali_date(self, obj):
        return jdatetime.date.fromgregorian(date=obj.date).strftime("%Y/%m/%d")

    def get_urls(self):
        urls = [path("import/", self.admin_site.admin_view(self.import_view), name="core_holiday_import")]
        return urls + super().get_urls()

    def import_view(self, request):
        """Upload a CSV or XLSX of holidays; a bad row refuses the file and each problem is listed."""
        errors, report = [], None
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            try:
                report = import_holidays(actor=request.user, content=upload.read(), filename=upload.name)
            except ValidationFailed as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Holidays imported: %(created)s new, %(updated)s changed.")
                    % {"created": report.created, "updated": report.updated},
                )
                return HttpResponseRedirect(reverse("admin:core_holiday_changelist"))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "errors": errors}
        return TemplateResponse(request, "admin/core/holiday/import.html", context)
