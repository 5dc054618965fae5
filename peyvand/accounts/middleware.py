from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from peyvand.accounts import permissions, sessions, twofactor


class SignedInSessionMiddleware:
    """Keeps the signed-in session's row current (at most one write a minute), signs out a session ended
    elsewhere, and holds an administrator who must use two-factor sign-in on the enrolment page until enrolled
    (for sessions begun before the setting was turned on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if not sessions.touch(request):
                logout(request)
            elif (
                twofactor.required_for(user)
                and not twofactor.has_two_factor(user)
                and not _may_enrol(request)
            ):
                if request.path.startswith("/api/"):
                    body = {
                        "detail": _("Set up two-factor sign-in first."),
                        "code": permissions.TWO_FACTOR_REQUIRED,
                        "errors": [],
                    }
                    return JsonResponse(body, status=403)
                return redirect("security-enrol")
        return self.get_response(request)


def _may_enrol(request) -> bool:
    allowed = {reverse("security-enrol"), reverse("logout"), reverse("set_language")}
    return request.path in allowed or request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
