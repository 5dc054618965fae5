from django.conf import settings
from django.db import models
from django.utils.translation import get_language_bidi, gettext
from django.utils.translation import gettext_lazy as _

from peyvand.core.text import isolated


class Notification(models.Model):
    """Something a user should know (a stuck deal, a reminder, an automation's message), shown in the app and
    optionally e-mailed.

    ``title`` and ``body`` are message ids (English source text marked with gettext_noop) with ``params``, so
    each reader sees them in their own language; ``key`` makes sending idempotent: one notification per
    recipient and key, however often a periodic job runs.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text_title()

    def _render(self, text: str) -> str:
        translated = gettext(text) if text else ""
        rtl = get_language_bidi()
        params = {
            k: isolated(v, page_rtl=rtl) if isinstance(v, str) else v for k, v in (self.params or {}).items()
        }
        try:
            return translated % params if params else translated
        except (KeyError, TypeError, ValueError):
            return translated

    def text_title(self) -> str:
        return self._render(self.title)

    def text_body(self) -> str:
        return self._render(self.body)
