"""Two-factor sign-in: a TOTP device (an authenticator app) confirmed with a code, plus one-time backup codes.

A user's device is confirmed only after a correct code, so a half-finished enrolment never locks anyone out.
Turning it on or off, new backup codes and an administrator's reset are written to the user's audit trail.
"""

from base64 import b32encode

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peyvand.accounts import permissions
from peyvand.accounts.models import User
from peyvand.core.audit import write_audit
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditAction

BACKUP_CODE_COUNT = 10


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def required_for(user: User) -> bool:
    return permissions.must_use_two_factor(user)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device the user is enrolling (a new secret if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here: the secret never leaves the server."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


@transaction.atomic
def confirm_enrolment(*, user: User, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; returns the new backup codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(_digits(code)):
        raise PeyvandError(
            "two_factor.wrong_code",
            _("That code is not right; enter the code your app shows now."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    write_audit(instance=user, actor=user, action=AuditAction.UPDATE, changes={"two_factor": [False, True]})
    return codes


def new_backup_codes(*, user: User) -> list[str]:
    if not has_two_factor(user):
        raise PeyvandError("two_factor.off", _("Two-factor sign-in is not on."))
    return _new_backup_codes(user)


def _new_backup_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user: User, code: str):
    """The device that accepts ``code`` (the app's code or an unused backup code), or None."""
    code = "".join(code.split())
    return match_token(user, _digits(code) if code.isdecimal() else code.lower())


def _digits(code: str) -> str:
    # People paste "123 456" or type Persian digits.
    return "".join(str(int(ch)) for ch in code if ch.isdecimal())


@transaction.atomic
def turn_off(*, user: User, actor: User) -> None:
    """The user turning it off, or an administrator resetting it (a lost phone): every device goes."""
    if actor.pk == user.pk and required_for(user):
        raise PeyvandError(
            permissions.TWO_FACTOR_REQUIRED, _("Administrators must keep two-factor sign-in on.")
        )
    had = has_two_factor(user)
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    if had:
        write_audit(
            instance=user, actor=actor, action=AuditAction.UPDATE, changes={"two_factor": [True, False]}
        )
