from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from peyvand.accounts.models import ApiToken, Team, User


@admin.register(User)
class PeyvandUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        (_("CRM"), {"fields": ("role", "team", "skills", "territories", "languages")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + ((_("CRM"), {"fields": ("role", "team")}),)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # keys are shown once, so they are made with `peyvand token USER`
