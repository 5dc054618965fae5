"""Users, teams and API tokens."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.accounts.models import ApiToken, Role, Team, User
from peyvand.core.errors import NotFound, ValidationFailed


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    team: str | Team | None = None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
) -> User:
    errors = []
    if role not in Role.values:
        errors.append(
            {
                "field": "role",
                "message": _("Choose one of: %(choices)s") % {"choices": ", ".join(Role.values)},
            }
        )
    if User.objects.filter(username=username).exists():
        errors.append({"field": "username", "message": _("This username is taken.")})
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.extend({"field": "password", "message": m} for m in exc.messages)
    if errors:
        raise ValidationFailed(errors)
    if isinstance(team, str) and team:
        team = Team.objects.get_or_create(name=team)[0]
    user.team = team or None
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


MAX_TOKEN_DAYS = 3650


def issue_token(
    *, user: User, name: str = "", read_only: bool = False, expires_days: int | None = None
) -> str:
    """Create a token and return its key; only the hash is stored, so the key is shown this once."""
    return create_token(user=user, name=name or "api", read_only=read_only, expires_days=expires_days)[1]


@transaction.atomic
def create_token(
    *, user: User, name: str, read_only: bool = False, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append(
            {"field": "name", "message": _("Give the token a name, such as the program that uses it.")}
        )
    elif len(name) > 80:
        errors.append({"field": "name", "message": _("A name has at most 80 characters.")})
    if expires_days is not None and not 1 <= expires_days <= MAX_TOKEN_DAYS:
        errors.append(
            {
                "field": "expires_days",
                "message": _("A token expires after 1 to %(days)s days, or never.")
                % {"days": MAX_TOKEN_DAYS},
            }
        )
    if errors:
        raise ValidationFailed(errors)
    expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
    return ApiToken.issue(user, name, read_only=read_only, expires_at=expires_at)


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another user's token is simply not found."""
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoke()
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this key: not revoked, not expired, its user active. Its last use is written at most
    once a minute (a conditional UPDATE), so a busy client does not turn every read into a write."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_USE_RESOLUTION)
        ).update(last_used_at=now)
    return token


TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def user_for_token(key: str) -> User | None:
    token = token_for_key(key)
    return token.user if token else None
