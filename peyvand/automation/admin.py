from django.contrib import admin

from peyvand.automation.models import Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "trigger", "record_type", "enabled", "created_by", "updated_at")
    list_filter = ("enabled", "trigger", "record_type")
    search_fields = ("name",)
    readonly_fields = ("secret", "version", "created_at", "updated_at")


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule", "record_type", "record_id", "trigger", "status", "attempts")
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in RuleRun._meta.fields]
