"""Signing in: throttling and lock-out (django-axes), the lock written to the user's audit trail, and the step
between the password and the second factor.

Axes counts failed sign-ins per username (from any address) and per address (across usernames); after
PEYVAND_SIGNIN_FAILURE_LIMIT failures either is locked for PEYVAND_SIGNIN_LOCKOUT_MINUTES. A wrong second-factor
code counts as a failed sign-in of that username. Attempts made while locked do not extend the lock.
"""

import datetime as dt
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from peyvand.accounts.models import User
from peyvand.core.audit import audit_for, write_audit
from peyvand.core.clientip import client_address
from peyvand.core.jalali import persian_digits, uses_jalali
from peyvand.core.models import AuditAction

PENDING_KEY = "_peyvand_pending_sign_in"
PENDING_MINUTES = 5


class ThrottledBackend(AxesStandaloneBackend):
    """Axes' check before the password is tried. Only sign-ins made through a request are throttled (the sign-in
    page, the admin's); code that authenticates without one (a management command) is not a way in from outside."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lock_ends_at(request: HttpRequest, username: str | None) -> dt.datetime | None:
    """When the lock on this username or this address ends (the last counted failure plus the cool-off)."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    since = timezone.now() - cool_off
    match = Q(ip_address=client_address(request))
    if username:
        match |= Q(username=username)
    last = AccessAttempt.objects.filter(match, attempt_time__gte=since).aggregate(last=Max("attempt_time"))[
        "last"
    ]
    return last + cool_off if last else None


def minutes_left(request: HttpRequest, username: str | None) -> int:
    ends = lock_ends_at(request, username)
    if ends is None:
        return settings.PEYVAND_SIGNIN_LOCKOUT_MINUTES
    return max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed sign-ins: this account is locked for %(minutes)s minute. Try again then, or ask an "
        "administrator to unlock it.",
        "Too many failed sign-ins: this account is locked for %(minutes)s minutes. Try again then, or ask an "
        "administrator to unlock it.",
        minutes,
    ) % {"minutes": persian_digits(minutes) if uses_jalali() else minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None):
    """Axes' answer to a locked sign-in: the sign-in page again, with how long the lock lasts (429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "locked_message": lockout_message(minutes_left(request, username)),
        "form": None,
        "username": username,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    request.session.pop(PENDING_KEY, None)
    return render(request, "web/login.html", context, status=429)


@receiver(user_locked_out)
def write_lock_to_audit(sender, request, username, ip_address, **kwargs):
    """One audit row on the user's account per lock (axes signals every refused attempt while locked)."""
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return
    cool_off = get_cool_off(request) or dt.timedelta(0)
    since = timezone.now() - cool_off
    if audit_for(user).filter(at__gte=since, changes__has_key="sign_in_locked").exists():
        return
    failures = (
        AccessAttempt.objects.filter(
            Q(username=username) | Q(ip_address=ip_address), attempt_time__gte=since
        ).aggregate(n=Sum("failures_since_start"))["n"]
        or 0
    )
    minutes = int(cool_off.total_seconds() // 60)
    write_audit(
        instance=user,
        actor=None,
        action=AuditAction.UPDATE,
        changes={
            "sign_in_locked": [False, True],
            "address": [None, ip_address],
            "failed_attempts": [None, failures],
            "locked_minutes": [None, minutes],
        },
        note=f"Sign-in locked for {minutes} min after {failures} failed attempts from {ip_address}",
    )


def unlock(*, user: User, actor: User) -> int:
    """An administrator lifting a lock: the failures counted for the username are forgotten."""
    removed = AccessAttempt.objects.filter(username=user.username).delete()[0]
    write_audit(
        instance=user, actor=actor, action=AuditAction.UPDATE, changes={"sign_in_locked": [True, False]}
    )
    return removed
