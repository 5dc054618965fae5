from django.contrib import admin

from peyvand.sales.models import ChecklistItem, Pipeline, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1
    fields = ("name", "order", "probability", "kind", "max_days")


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "is_default", "order")
    inlines = [StageInline]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ("text", "order", "required", "archived")


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("name", "pipeline", "order", "probability", "kind", "max_days")
    list_filter = ("pipeline",)
    fields = ("pipeline", "name", "order", "probability", "kind", "max_days", "script", "required_fields")
    inlines = [ChecklistItemInline]
