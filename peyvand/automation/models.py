import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_hex(32)


class Rule(models.Model):
    """When something happens to a record (trigger), if the record matches (conditions), do things (actions).

    A manager's rule applies to their team's records only (what its creator may see); an admin's to all.
    """

    name = models.CharField(_("name"), max_length=200)
    enabled = models.BooleanField(_("on"), default=True, db_index=True)
    trigger = models.CharField(_("trigger"), max_length=30, db_index=True)
    record_type = models.CharField(_("record type"), max_length=20)
    # Trigger settings: {"days": 7} for no_activity; {"field": "birthday", "offset_days": -3} for date_reached.
    params = models.JSONField(_("trigger settings"), default=dict, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    # Signs webhook calls (HMAC-SHA256), so the receiver knows they come from this rule.
    secret = models.CharField(_("webhook secret"), max_length=64, default=new_secret)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("automation rule")
        verbose_name_plural = _("automation rules")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["trigger", "record_type", "enabled"])]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")
    SKIPPED = "skipped", _("Skipped")


class RuleRun(models.Model):
    """One firing of a rule on one record: what each action did, how many attempts, and why it failed.

    ``key`` makes scheduled firings idempotent: one run per rule and key (record and date occurrence).
    """

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="runs")
    record_type = models.CharField(_("record type"), max_length=20)
    record_id = models.PositiveBigIntegerField(_("record id"))
    trigger = models.CharField(_("trigger"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # The actions as they were when the rule fired, and [{"type", "status", "detail" | "error"}] per action.
    actions = models.JSONField(_("actions"), default=list)
    results = models.JSONField(_("results"), default=list, blank=True)
    # Ids of the rules whose actions led to this run, this rule last: what stops loops.
    chain = models.JSONField(_("chain of rules"), default=list, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    fired_at = models.DateTimeField(_("fired at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], condition=~Q(key=""), name="automation_run_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["rule", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rule} · {self.record_type}#{self.record_id} · {self.status}"
