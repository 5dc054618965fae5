from django.contrib import admin

from peyvand.targets.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """For operators to look up targets; people set them on the targets page or by import, which check them."""

    list_display = (
        "__str__",
        "period_kind",
        "year",
        "number",
        "start_date",
        "end_date",
        "amount",
        "deals_won",
    )
    list_filter = ("calendar", "period_kind", "year", "team")
    search_fields = ("user__username", "team__name")
    readonly_fields = [f.name for f in Target._meta.fields]

    def has_add_permission(self, request):
        return False
