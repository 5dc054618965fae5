import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALES_REP = "sales_rep", _("Sales rep")
    SUPPORT_AGENT = "support_agent", _("Support agent")
    SUPPORT_MANAGER = "support_manager", _("Support manager")
    MARKETER = "marketer", _("Marketer")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # What the settings pages write to the audit trail when a team is made or renamed (core.audit.snapshot).
    audited_fields = ("name", "city")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Accounts the system acts as (the web forms' and e-mail intake, ...), by username: the name people read, lazily
# translated. An app registers its own from ``AppConfig.ready()``.
SYSTEM_USERS: dict[str, object] = {}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALES_REP)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # What lead assignment matches a seller on (see peyvand/leads/assignment.py); free words, Persian-normalised
    # when compared, such as ["نرم‌افزار", "صنعتی"], ["تهران", "البرز"], ["fa", "en"].
    skills = models.JSONField(_("skills"), default=list, blank=True)
    territories = models.JSONField(_("territories (regions, cities)"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)

    # What the people settings write to the audit trail (core.audit.snapshot); never the password's hash.
    audited_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "team",
        "skills",
        "territories",
        "languages",
        "is_active",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        system = SYSTEM_USERS.get(self.username)
        if system is not None:
            return str(system)  # in the reader's language, whatever name the row holds
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.SALES_MANAGER

    # A support manager leads a service queue; they are not a sales manager (no discount approvals, no
    # overrides of a deal's exit criteria), so is_manager stays False for them.
    @property
    def is_support_manager(self) -> bool:
        return self.role == Role.SUPPORT_MANAGER

    @property
    def is_support(self) -> bool:
        return self.role in (Role.SUPPORT_AGENT, Role.SUPPORT_MANAGER)


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is kept, so a stolen database does not hand out access."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # A read-only token may only read (GET, HEAD, OPTIONS); an expired one is refused like an unknown one.
    read_only = models.BooleanField(_("read only"), default=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: User, name: str = "", *, read_only: bool = False, expires_at=None
    ) -> tuple["ApiToken", str]:
        key = "pv_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[3:9],
            key_hash=cls.hash_key(key),
            read_only=read_only,
            expires_at=expires_at,
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class SignedInSession(models.Model):
    """One signed-in browser of a user, so people can see and end their sessions. Django's session store cannot
    be listed by user; only a hash of the session key is kept, so this table cannot be used to take a session
    over."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signed_in_sessions", verbose_name=_("user")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.address or ''}"

    @staticmethod
    def hash_key(session_key: str) -> str:
        return hashlib.sha256(session_key.encode()).hexdigest()
