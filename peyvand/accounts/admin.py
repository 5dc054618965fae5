from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peyvand.accounts import sessions, signin, twofactor
from peyvand.accounts.models import ApiToken, SignedInSession, Team, User


@admin.register(User)
class PeyvandUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        (_("CRM"), {"fields": ("role", "team", "skills", "territories", "languages")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + ((_("CRM"), {"fields": ("role", "team")}),)
    actions = ["sign_out_everywhere", "reset_two_factor", "unlock_sign_in"]

    @admin.action(description=_("Sign out of every session"))
    def sign_out_everywhere(self, request, queryset):
        count = sum(sessions.end_all_sessions(user) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)s session signed out.", "%(count)s sessions signed out.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset two-factor sign-in (the user enrols again)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            # Whoever holds the lost device may be signed in; they are signed out with it.
            twofactor.turn_off(user=user, actor=request.user)
            sessions.end_all_sessions(user)
        self.message_user(request, _("Two-factor sign-in is reset for the chosen users."), messages.SUCCESS)

    @admin.action(description=_("Unlock sign-in (forget failed attempts)"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            signin.unlock(user=user, actor=request.user)
        self.message_user(request, _("Sign-in is unlocked for the chosen users."), messages.SUCCESS)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "city")
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "read_only",
        "expires_at",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("read_only",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "read_only", "expires_at", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return (
            False  # keys are shown once, so they are made on the security page or with `peyvand token USER`
        )


@admin.register(SignedInSession)
class SignedInSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "address", "user_agent", "created_at", "last_seen_at")
    search_fields = ("user__username", "address")
    readonly_fields = ("user", "address", "user_agent", "created_at", "last_seen_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        sessions.end_session(user=obj.user, session_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            sessions.end_session(user=row.user, session_id=row.pk)
