"""Sign-in (password, then the second factor when the user has one) and each user's security page: two-factor
sign-in, signed-in sessions, API tokens and the password. Rules live in services, twofactor, sessions and
signin; these views parse, call and render."""

import time
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from peyvand.accounts import sessions, signin, twofactor
from peyvand.accounts.models import ApiToken, User
from peyvand.accounts.services import create_token, revoke_token
from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed

# The choices of a new token's lifetime, in days (None: never expires).
TOKEN_LIFETIMES = (30, 90, 365, None)


class SignInView(LoginView):
    """The password step. A user with a second factor (or an administrator who must have one) is not signed in
    yet: the session only remembers who passed the password, for PENDING_MINUTES, until the code is given."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.has_two_factor(user) or twofactor.required_for(user):
            self.request.session[signin.PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("signin-code" if twofactor.has_two_factor(user) else "signin-enrol")
        return super().form_valid(form)


def _pending(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(signin.PENDING_KEY) or {}
    if not pending or time.time() - pending.get("at", 0) > signin.PENDING_MINUTES * 60:
        request.session.pop(signin.PENDING_KEY, None)
        return None, {}
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _finish_sign_in(request: HttpRequest, user: User, pending: dict, device) -> None:
    request.session.pop(signin.PENDING_KEY, None)
    auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)


def _next_url(request: HttpRequest, pending: dict) -> str:
    url = pending.get("next") or reverse("home")
    safe = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    return url if safe else reverse("home")


def _refused_code(request: HttpRequest, user: User) -> HttpResponse | None:
    """A wrong code counts as a failed sign-in of the username; a lock answers like a wrong password's."""
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    if getattr(request, "axes_locked_out", False):
        return signin.lockout_response(request, None, {"username": user.username})
    return None


def _locked(request: HttpRequest, user: User) -> HttpResponse | None:
    credentials = {"username": user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return signin.lockout_response(request, None, credentials)
    return None


def code_view(request: HttpRequest):
    """The second step: the code from the authenticator app, or a backup code."""
    user, pending = _pending(request)
    if user is None:
        return redirect("login")
    error = ""
    if request.method == "POST":
        if refusal := _locked(request, user):
            return refusal
        device = twofactor.verify_code(user, request.POST.get("code", ""))
        if device is not None:
            _finish_sign_in(request, user, pending, device)
            return redirect(_next_url(request, pending))
        if refusal := _refused_code(request, user):
            return refusal
        error = _("That code is not right. Enter the code your app shows now, or one of your backup codes.")
    return render(request, "accounts/code.html", {"error": error}, status=400 if error else 200)


def signin_enrol_view(request: HttpRequest):
    """An administrator who must use two-factor sign-in and has no device yet enrols before being signed in."""
    user, pending = _pending(request)
    if user is None:
        return redirect("login")
    if request.method == "POST":
        if refusal := _locked(request, user):
            return refusal
        try:
            codes = twofactor.confirm_enrolment(user=user, code=request.POST.get("code", ""))
        except PeyvandError as exc:
            if refusal := _refused_code(request, user):
                return refusal
            return _enrol_page(request, user, exc.message, during_sign_in=True)
        _finish_sign_in(request, user, pending, twofactor.app_device(user))
        return render(
            request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request, pending)}
        )
    return _enrol_page(request, user, "", during_sign_in=True)


def _enrol_page(request: HttpRequest, user: User, error, *, during_sign_in: bool):
    device = twofactor.pending_device(user)
    context = {
        "qr_svg": twofactor.qr_code_svg(device),
        "secret": twofactor.secret_of(device),
        "error": error,
        "during_sign_in": during_sign_in,
        "required": twofactor.required_for(user),
    }
    return render(request, "accounts/enrol.html", context, status=400 if error else 200)


@login_required
def enrol_view(request: HttpRequest):
    if twofactor.has_two_factor(request.user):
        return redirect("security")
    if request.method == "POST":
        try:
            codes = twofactor.confirm_enrolment(user=request.user, code=request.POST.get("code", ""))
        except PeyvandError as exc:
            return _enrol_page(request, request.user, exc.message, during_sign_in=False)
        otp_login(request, twofactor.app_device(request.user))
        return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("security")})
    return _enrol_page(request, request.user, "", during_sign_in=False)


@login_required
@require_POST
def backup_codes_view(request: HttpRequest):
    try:
        codes = twofactor.new_backup_codes(user=request.user)
    except PeyvandError as exc:
        messages.error(request, exc.message)
        return redirect("security")
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("security")})


@login_required
@require_POST
def two_factor_off_view(request: HttpRequest):
    if not request.user.check_password(request.POST.get("password", "")):
        messages.error(request, _("The password is not right; two-factor sign-in is still on."))
        return redirect("security")
    try:
        twofactor.turn_off(user=request.user, actor=request.user)
    except PeyvandError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("security")


@login_required
def security_view(request: HttpRequest, *, new_token=None, new_key: str = "", token_errors=None, status=200):
    user = request.user
    rows = list(sessions.sessions_of(user))
    for row in rows:
        row.browser = sessions.describe_browser(row.user_agent)
        row.is_current = sessions.is_current(request, row)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    context = {
        "two_factor": twofactor.has_two_factor(user),
        "two_factor_required": twofactor.required_for(user),
        "backup_codes_left": twofactor.backup_codes_left(user),
        "sessions": rows,
        "tokens": tokens,
        "new_token": new_token,
        "new_key": new_key,
        "token_errors": token_errors or {},
        "token_values": request.POST if token_errors else {},
        "lifetimes": TOKEN_LIFETIMES,
    }
    return render(request, "accounts/security.html", context, status=status)


@login_required
@require_POST
def end_session_view(request: HttpRequest, pk: int):
    try:
        sessions.end_session(user=request.user, session_id=pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("That session is signed out."))
    return redirect("security")


@login_required
@require_POST
def end_other_sessions_view(request: HttpRequest):
    count = sessions.end_other_sessions(request, request.user)
    messages.success(request, _("Signed out of %(count)s other sessions.") % {"count": count})
    return redirect("security")


@login_required
@require_POST
def create_token_view(request: HttpRequest):
    expires = request.POST.get("expires_days", "")
    try:
        expires_days = int(expires) if expires else None
    except ValueError:
        expires_days = -1  # refused by the service with a message naming the field
    try:
        token, key = create_token(
            user=request.user,
            name=request.POST.get("name", ""),
            read_only=request.POST.get("scope") != "read_write",
            expires_days=expires_days,
        )
    except ValidationFailed as exc:
        errors = {e["field"]: e["message"] for e in exc.errors}
        return security_view(request, token_errors=errors, status=400)
    return security_view(request, new_token=token, new_key=key, status=201)


@login_required
@require_POST
def revoke_token_view(request: HttpRequest, pk: int):
    try:
        token = revoke_token(user=request.user, token_id=pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("security")


@login_required
def password_view(request: HttpRequest):
    """Changing the password signs out every other session; this one stays (under a new key)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        sessions.record_session(request, user)
        messages.success(request, _("Your password is changed; your other sessions are signed out."))
        return redirect("security")
    return render(request, "accounts/password.html", {"form": form}, status=400 if form.errors else 200)


def admin_login_view(request: HttpRequest):
    """The admin site signs in through the same page (throttled, with the second factor)."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
