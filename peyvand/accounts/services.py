"""Users, teams and API tokens.

The people settings (``add_user``, ``update_user``, ``set_user_active``, ``reset_password``, ``save_team``,
``delete_team``) are for administrators only and write the audit trail like every other settings page. Nobody is
ever deleted: their name stays on the records, rules and audit rows they touched, so a person who leaves is
deactivated, which ends their signed-in sessions (``receivers.py``) and stops their API tokens
(``token_for_key`` reads only active users). The site always keeps one active administrator who can sign in.
"""

import datetime as dt
import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peyvand.accounts import permissions
from peyvand.accounts.models import SYSTEM_USERS, ApiToken, Role, Team, User
from peyvand.core.audit import diff, save_audited, snapshot, write_audit
from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed
from peyvand.core.models import AuditAction
from peyvand.core.text import clean_display_text, normalize_email, normalize_text


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
    )
    _apply_role(user, role)
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


# --- the people settings -------------------------------------------------------------------------------------

MAX_TAGS = 30
MAX_TAG_LENGTH = 60
MAX_NAME_LENGTH = 150
TAG_FIELDS = ("skills", "territories", "languages")
# People type "fa, en", "تهران، البرز" or one a line; all of those separate words.
_TAG_SEPARATORS = re.compile(r"[,\u060c;\n]+")


def _apply_role(user: User, role: str) -> None:
    """The role is the one truth of who administers: an administrator is also an operator of Django's admin, and
    whoever stops being one stops being both."""
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN


def _require_people_admin(actor) -> None:
    if not permissions.can_manage_people(actor):
        raise PeyvandError(
            permissions.PEOPLE_FORBIDDEN, _("Only an administrator can manage users and teams."), status=403
        )


def people_manageable() -> Any:
    """The users the settings list and change: everyone but the accounts the system acts as."""
    return User.objects.exclude(username__in=list(SYSTEM_USERS))


def _admins_who_can_sign_in() -> Any:
    return people_manageable().filter(is_active=True).filter(Q(role=Role.ADMIN) | Q(is_superuser=True))


def _refuse_if_last_admin(user: User, message: Any) -> None:
    """Refuse when ``user`` is the only active administrator left. The administrators' rows are locked first, so
    two administrators demoting each other at once cannot both succeed."""
    others = list(
        _admins_who_can_sign_in().exclude(pk=user.pk).select_for_update().values_list("pk", flat=True)
    )
    if not others:
        raise PeyvandError(permissions.LAST_ADMIN, message, status=400)


def parse_tags(value: Any) -> list[str]:
    """Comma-separated words (a Persian comma too) or a list: distinct words, tidied, in the order given."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else _TAG_SEPARATORS.split(str(value))
    seen: set[str] = set()
    words: list[str] = []
    for item in items:
        word = clean_display_text(str(item))
        key = normalize_text(word)
        if word and key not in seen:
            seen.add(key)
            words.append(word)
    return words


def _clean_user_values(
    values: dict[str, Any], user: User | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The given fields tidied, and an error for each that is not valid. A new user needs a username and a role;
    a change checks only what it changes."""
    creating = user is None
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []

    def error(field: str, message: Any) -> None:
        errors.append({"field": field, "message": message})

    if creating or "username" in values:
        username = (values.get("username") or "").strip()
        if not username:
            error("username", _("This field is required."))
        elif len(username) > MAX_NAME_LENGTH:
            error("username", _("A username has at most 150 characters."))
        else:
            try:
                User.username_validator(username)
            except ValidationError:
                error("username", _("Use only letters, digits and @ . + - _ in a username, without spaces."))
            else:
                taken = User.objects.filter(username__iexact=username)
                if user is not None:
                    taken = taken.exclude(pk=user.pk)
                if taken.exists():
                    error("username", _("This username is taken."))
                cleaned["username"] = username
    for field in ("first_name", "last_name"):
        if field in values:
            text = clean_display_text(values.get(field) or "")
            if len(text) > MAX_NAME_LENGTH:
                error(field, _("A name has at most 150 characters."))
            cleaned[field] = text
    if "email" in values:
        email = normalize_email(values.get("email") or "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", _("Enter a valid e-mail address."))
        cleaned["email"] = email
    if creating or "role" in values:
        role = values.get("role") or ""
        if role not in Role.values:
            error("role", _("Choose one of the roles."))
        else:
            cleaned["role"] = role
    if "team" in values:
        team = values.get("team")
        if isinstance(team, Team) or team in (None, ""):
            cleaned["team"] = team or None
        else:
            found = Team.objects.filter(pk=int(str(team))).first() if str(team).isdigit() else None
            if found is None:
                error("team", _("Choose one of the teams."))
            cleaned["team"] = found
    for field in TAG_FIELDS:
        if field in values:
            words = parse_tags(values.get(field))
            if len(words) > MAX_TAGS:
                error(field, _("Give at most %(count)s words.") % {"count": MAX_TAGS})
            elif any(len(word) > MAX_TAG_LENGTH for word in words):
                error(field, _("Each word has at most %(count)s characters.") % {"count": MAX_TAG_LENGTH})
            cleaned[field] = words
    return cleaned, errors


def _password_errors(password: str, user: User) -> list[dict[str, Any]]:
    if not password:
        return [{"field": "password", "message": _("This field is required.")}]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [{"field": "password", "message": message} for message in exc.messages]
    return []


@transaction.atomic
def add_user(*, actor, values: dict[str, Any]) -> User:
    """Add a user who signs in with the initial password given here (held to the site's password rules) and
    changes it on their security page. The project has no e-mailed set-password link, so a password is required.
    """
    _require_people_admin(actor)
    cleaned, errors = _clean_user_values(values, None)
    role = cleaned.pop("role", Role.SALES_REP)
    user = User(**cleaned)
    _apply_role(user, role)
    password = values.get("password") or ""
    errors += _password_errors(password, user)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    user.save()
    write_audit(instance=user, actor=actor, action=AuditAction.CREATE, changes=diff({}, snapshot(user)))
    return user


@transaction.atomic
def update_user(*, actor, user: User, values: dict[str, Any]) -> User:
    """Change a user's names, e-mail, role, team and what lead assignment matches them on (the values given).
    The last administrator keeps the role."""
    _require_people_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user)
    cleaned, errors = _clean_user_values(values, user)
    if errors:
        raise ValidationFailed(errors)
    role = cleaned.pop("role", user.role)
    if role != user.role:
        if user.is_admin and user.is_active and role != Role.ADMIN:
            _refuse_if_last_admin(
                user,
                _("%(name)s is the only administrator; make someone else an administrator first.")
                % {"name": user},
            )
        _apply_role(user, role)
    for field, value in cleaned.items():
        setattr(user, field, value)
    return save_audited(user, actor=actor, before=before)


@transaction.atomic
def set_user_active(*, actor, user: User, active: bool) -> User:
    """Deactivate a user (they are signed out everywhere and cannot sign in or use their API tokens) or let them
    back in. Nobody deactivates themselves, nor the last administrator."""
    _require_people_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if user.pk == actor.pk:
            raise PeyvandError(
                permissions.NOT_YOURSELF,
                _("You cannot deactivate yourself; another administrator can."),
                status=400,
            )
        if user.is_admin:
            _refuse_if_last_admin(
                user, _("%(name)s is the only active administrator and stays active.") % {"name": user}
            )
    before = snapshot(user)
    user.is_active = active
    # Saving is_active=False ends every session of the user (receivers.end_sessions_after_password_or_access_change).
    user.save()
    write_audit(instance=user, actor=actor, action=AuditAction.UPDATE, changes=diff(before, snapshot(user)))
    return user


@transaction.atomic
def reset_password(*, actor, user: User, password: str) -> User:
    """An administrator sets a new password for someone who lost theirs; every session of that user ends. One's
    own password is changed on the security page, which asks for the old one."""
    _require_people_admin(actor)
    if user.pk == actor.pk:
        raise PeyvandError(
            permissions.NOT_YOURSELF, _("Change your own password on your security page."), status=400
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    errors = _password_errors(password or "", user)
    if errors:
        raise ValidationFailed(errors)
    user.set_password(password)
    user.save()  # a new password ends the user's sessions (receivers.py)
    # The audit row says that it changed and who changed it, never anything about the password itself.
    write_audit(instance=user, actor=actor, action=AuditAction.UPDATE, changes={"password": ["", "reset"]})
    return user


@transaction.atomic
def save_team(*, actor, team: Team | None = None, values: dict[str, Any]) -> Team:
    """Make a team or rename it (or change its city)."""
    _require_people_admin(actor)
    creating = team is None
    # A fresh copy: a refused change leaves the caller's instance (a page about to show it again) as it was.
    team = Team() if team is None else Team.objects.select_for_update().get(pk=team.pk)
    before = {} if creating else snapshot(team)
    errors: list[dict[str, Any]] = []
    if creating or "name" in values:
        name = clean_display_text(values.get("name") or "")
        if not name:
            errors.append({"field": "name", "message": _("This field is required.")})
        elif len(name) > 120:
            errors.append({"field": "name", "message": _("A team's name has at most 120 characters.")})
        elif Team.objects.exclude(pk=team.pk).filter(name__iexact=name).exists():
            errors.append({"field": "name", "message": _("A team with this name exists.")})
        team.name = name
    if "city" in values:
        city = clean_display_text(values.get("city") or "")
        if len(city) > 80:
            errors.append({"field": "city", "message": _("A city has at most 80 characters.")})
        team.city = city
    if errors:
        raise ValidationFailed(errors)
    return save_audited(team, actor=actor, before=before, creating=creating)


def _team_in_use(team: Team) -> bool:
    """Whether any row of any app names the team (records, pipelines, rules, targets, saved views, ...). Deleting
    it would quietly move records out of the team's sight or delete its settings, so such a team is kept."""
    for relation in Team._meta.related_objects:
        model: Any = relation.related_model
        if model._default_manager.filter(**{relation.field.name: team}).exists():
            return True
    return False


@transaction.atomic
def delete_team(*, actor, team: Team) -> None:
    """Delete a team no one belongs to and nothing refers to; any other is renamed instead."""
    _require_people_admin(actor)
    team = Team.objects.select_for_update().get(pk=team.pk)
    members = team.members.count()
    if members:
        raise PeyvandError(
            permissions.TEAM_NOT_EMPTY,
            ngettext(
                "“%(team)s” has %(count)s member; move them to another team first.",
                "“%(team)s” has %(count)s members; move them to another team first.",
                members,
            )
            % {"team": team.name, "count": members},
            status=400,
        )
    if _team_in_use(team):
        raise PeyvandError(
            permissions.TEAM_NOT_EMPTY,
            _("“%(team)s” still owns records or settings (pipelines, rules, targets); rename it instead.")
            % {"team": team.name},
            status=400,
        )
    write_audit(
        instance=team,
        actor=actor,
        action=AuditAction.DELETE,
        changes={k: [v, None] for k, v in snapshot(team).items()},
    )
    team.delete()
