"""The service desk: tickets and their messages, SLA policies, support addresses and the knowledge base.

A ticket is an ``OwnedModel``: its owner is the agent working it and its team is the queue it sits in, so the
usual visibility (an agent their own, a support manager the team's, an administrator all) is the queue's too.
SLA due times are stored on the ticket and worked out by ``sla.py`` in working minutes of the business calendar.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peyvand.core.models import OwnedModel, OwnedQuerySet


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    PROBLEM = "problem", _("Problem")
    COMPLAINT = "complaint", _("Complaint")
    SERVICE_ORDER = "service_order", _("Service order")
    INSTALLATION = "installation", _("Installation")
    REQUEST = "request", _("Request")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Raising a priority on an SLA breach moves one step along this order.
PRIORITY_ORDER = [TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.HIGH, TicketPriority.URGENT]


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting on third party")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# A ticket in one of these is still work to do; resolved and closed are not.
OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.WAITING_THIRD_PARTY,
    TicketStatus.REOPENED,
)
DONE_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class TicketChannel(models.TextChoices):
    AGENT = "agent", _("Agent")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone")
    PORTAL = "portal", _("Customer portal")


class SLAState(models.TextChoices):
    NONE = "none", _("No SLA")
    OK = "ok", _("On time")
    WARNING = "warning", _("At risk")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")


class TicketCategory(models.Model):
    """A subject area tickets are sorted into (billing, installation, a product line); administrators edit them."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class SLAPolicy(models.Model):
    """Targets for first response, next response and resolution, in working minutes of the business calendar.

    A ticket takes the first active policy, by ``position``, whose priority and customer tier match (an empty
    condition matches any); a contract may name its own later. Working minutes are counted between
    ``day_start`` and ``day_end`` on working days, a half day (``core.workdays``) giving the first half of that
    span, and not at all while the ticket waits on its customer.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    priority = models.CharField(
        _("for priority"),
        max_length=10,
        choices=TicketPriority.choices,
        blank=True,
        help_text=_("Empty: any."),
    )
    customer_tier = models.ForeignKey(
        "billing.CustomerTier",
        verbose_name=_("for customer tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any."),
    )
    first_response_minutes = models.PositiveIntegerField(_("first response within (working minutes)"))
    next_response_minutes = models.PositiveIntegerField(
        _("next response within (working minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(_("resolution within (working minutes)"))
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the target)"),
        default=75,
        help_text=_("A ticket is at risk once this share has passed."),
    )
    day_start = models.TimeField(_("working day starts"), default=dt.time(8, 0))
    day_end = models.TimeField(_("working day ends"), default=dt.time(16, 0))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_end__gt=models.F("day_start")), name="sla_day_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(warn_percent__lte=100), name="sla_warn_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """The tickets ``user`` may see. The team is the queue: a support agent or support manager sees their own
        tickets and every ticket of their team's queue (so an agent picks up an unassigned one); a sales manager
        their team's; an administrator all; anyone else their own (``OwnedQuerySet``'s rule)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.is_admin and getattr(user, "is_support", False):
            mine = Q(owner=user)
            if user.team_id:
                mine |= Q(team_id=user.team_id)
            return self.filter(mine)
        return super().visible_to(user)


class TicketManager(models.Manager.from_queryset(TicketQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Ticket(OwnedModel):
    """A customer's question, problem, complaint or service order. Its reference (``#1042``) is its id."""

    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    company = models.ForeignKey(
        "contacts.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "billing.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.QUESTION)
    priority = models.CharField(
        _("priority"), max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    category = models.ForeignKey(
        TicketCategory,
        verbose_name=pgettext_lazy("service desk", "category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW, db_index=True
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=TicketChannel.choices, default=TicketChannel.AGENT
    )
    # The language the customer is written to in (replies' templates, the survey); the page's when made by hand.
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fa")
    # The address the customer wrote from, replies go to it; and the Message-ID of the e-mail that opened it.
    customer_email = models.EmailField(_("customer's e-mail"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)

    # SLA: the policy and the due times it gave; a pause keeps the working minutes left of each open target.
    sla_policy = models.ForeignKey(
        SLAPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sla_started_at = models.DateTimeField(_("SLA started at"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    sla_paused_at = models.DateTimeField(_("SLA paused at"), null=True, blank=True)
    sla_remaining = models.JSONField(_("working minutes left while paused"), default=dict, blank=True)
    sla_state = models.CharField(
        _("SLA"), max_length=10, choices=SLAState.choices, default=SLAState.NONE, db_index=True
    )
    # The next moment the SLA job has something to do for it (a warning or a breach); none when paused or done.
    sla_next_check = models.DateTimeField(_("SLA next check"), null=True, blank=True, editable=False)
    # Each warning and breach is acted on once: the time it was marked is its key.
    response_warned_at = models.DateTimeField(_("response warned at"), null=True, blank=True)
    response_breached_at = models.DateTimeField(_("response breached at"), null=True, blank=True)
    resolution_warned_at = models.DateTimeField(_("resolution warned at"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached at"), null=True, blank=True)

    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("customer last wrote at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # For first-contact resolution (docs/metrics): public replies by agents, and how often it was reopened.
    agent_replies = models.PositiveIntegerField(_("agent replies"), default=0)
    reopen_count = models.PositiveIntegerField(_("reopened"), default=0)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
    )
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="split_tickets",
    )
    search_text = models.TextField(editable=False, default="")

    objects = TicketManager()
    all_objects = models.Manager.from_queryset(TicketQuerySet)()

    audited_fields = (
        "owner",
        "team",
        "subject",
        "description",
        "contact",
        "company",
        "deal",
        "product",
        "serial_number",
        "type",
        "priority",
        "category",
        "status",
        "channel",
        "language",
        "customer_email",
        "sla_policy",
        "merged_into",
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The agent's queue and the team's: open tickets by status, newest first.
            models.Index(fields=["owner", "status", "-created_at"], name="ticket_owner_status"),
            models.Index(fields=["team", "status", "-created_at"], name="ticket_team_status"),
            # The SLA job reads only the open tickets whose next due time has come.
            models.Index(
                fields=["sla_state", "resolution_due"],
                name="ticket_sla_open",
                condition=Q(deleted_at__isnull=True, sla_paused_at__isnull=True),
            ),
            # The SLA job's query: the tickets whose next warning or breach moment has come.
            models.Index(
                fields=["sla_next_check"],
                name="ticket_sla_next_check",
                condition=Q(
                    deleted_at__isnull=True, sla_paused_at__isnull=True, sla_next_check__isnull=False
                ),
            ),
        ]
        constraints = [
            # One e-mail opens one ticket, even when the mail server delivers it twice at the same moment.
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="ticket_unique_message_id"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def heading_parts(self) -> tuple[str, str]:
        """The reference and the subject apart, for a heading that isolates the subject (``heading`` filter)."""
        return f"#{self.pk}", self.subject

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("From the customer")
    REPLY = "reply", _("Reply to the customer")
    NOTE = "note", _("Internal note")


class TicketMessage(models.Model):
    """One message on a ticket: the customer's, an agent's public reply, or an internal note no customer sees.

    ``message_id`` is the e-mail's Message-ID (a reply's is made when it is sent), so a customer's answer is
    threaded onto the ticket by its In-Reply-To and References headers, and a second delivery is recognised.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_address = models.EmailField(_("from"), blank=True)
    to_addresses = models.JSONField(_("to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=TicketChannel.choices, default=TicketChannel.AGENT
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_message_order")]
        constraints = [
            # A message delivered twice at once is kept once (``add_customer_message`` answers the first).
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="ticket_message_unique_message_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class SupportAddress(models.Model):
    """An address customers write to (support@…): mail to it opens a ticket in this team's queue."""

    address = models.EmailField(_("address"), unique=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        TicketCategory,
        verbose_name=pgettext_lazy("service desk", "category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("support address")
        verbose_name_plural = _("support addresses")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


# --- knowledge base -------------------------------------------------------------------------------------------


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("FAQ")
    HOW_TO = "how_to", _("How-to")
    TROUBLESHOOTING = "troubleshooting", _("Troubleshooting")


class ArticleAudience(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleCategory(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """The knowledge base is the whole staff's: every active user reads every article."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def public(self):
        return self.filter(audience=ArticleAudience.PUBLIC, status=ArticleStatus.PUBLISHED)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Article(OwnedModel):
    """A knowledge-base article. Each saved change of its title or body keeps the earlier text as a revision."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.FAQ)
    audience = models.CharField(
        _("audience"), max_length=10, choices=ArticleAudience.choices, default=ArticleAudience.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="fa")
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=pgettext_lazy("service desk", "category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    helpful_yes = models.PositiveIntegerField(_("found it helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("did not"), default=0)
    search_text = models.TextField(editable=False, default="")

    objects = ArticleManager()
    all_objects = models.Manager.from_queryset(ArticleQuerySet)()

    audited_fields = ("owner", "team", "title", "body", "kind", "audience", "status", "language", "category")

    class Meta(OwnedModel.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """The text an article had before a change: the history people read and restore from."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_revision_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


from peyvand.service.models_calendar import CalendarSettings, FieldJob, ServiceResource  # noqa: E402, F401
from peyvand.service.models_contracts import (  # noqa: E402, F401  (contracts and warranties: their own module)
    ContractItem,
    ContractStatus,
    ContractUsage,
    EntitlementUnit,
    PlanVisit,
    ServiceContract,
    ServicePlan,
    Warranty,
)
from peyvand.service.models_routing import RoutingStrategy, TicketRoutingRule  # noqa: E402, F401
from peyvand.service.models_surveys import TicketSurvey  # noqa: E402, F401  (its own module; a model of this app)
