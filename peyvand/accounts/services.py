"""Users, teams and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peyvand.accounts.models import ApiToken, Role, Team, User
from peyvand.core.errors import ValidationFailed


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


def issue_token(*, user: User, name: str = "") -> str:
    """Create a token and return its key; only the hash is stored, so the key is shown this once."""
    return ApiToken.issue(user, name)[1]


def user_for_token(key: str) -> User | None:
    from django.utils import timezone

    token = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
