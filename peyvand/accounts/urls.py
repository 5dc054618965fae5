from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from peyvand.accounts import views, views_settings

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.code_view, name="signin-code"),
    path("login/enrol/", views.signin_enrol_view, name="signin-enrol"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", views.admin_login_view),
    # The admin's own password change would not keep this session in the list; the security page's does.
    path("admin/password_change/", RedirectView.as_view(pattern_name="security-password")),
    path("account/security/", views.security_view, name="security"),
    path("account/security/two-factor/", views.enrol_view, name="security-enrol"),
    path("account/security/two-factor/backup-codes/", views.backup_codes_view, name="security-backup-codes"),
    path("account/security/two-factor/off/", views.two_factor_off_view, name="security-two-factor-off"),
    path("account/sessions/<int:pk>/end/", views.end_session_view, name="security-end-session"),
    path("account/sessions/end-others/", views.end_other_sessions_view, name="security-end-other-sessions"),
    path("account/tokens/", views.create_token_view, name="security-create-token"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token_view, name="security-revoke-token"),
    path("account/password/", views.password_view, name="security-password"),
    # the people settings (administrators)
    path("settings/users/", views_settings.users_view, name="settings-users"),
    path("settings/users/new/", views_settings.user_create_view, name="settings-user-create"),
    path("settings/users/<int:pk>/", views_settings.user_edit_view, name="settings-user-edit"),
    path("settings/users/<int:pk>/active/", views_settings.user_active_view, name="settings-user-active"),
    path(
        "settings/users/<int:pk>/password/", views_settings.user_password_view, name="settings-user-password"
    ),
    path("settings/teams/", views_settings.teams_view, name="settings-teams"),
    path("settings/teams/<int:pk>/", views_settings.team_edit_view, name="settings-team-edit"),
    path("settings/teams/<int:pk>/delete/", views_settings.team_delete_view, name="settings-team-delete"),
]
