from django.contrib import admin

from peyvand.sales.models import Pipeline, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1
    fields = ("name", "order", "probability", "kind")


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "is_default", "order")
    inlines = [StageInline]
