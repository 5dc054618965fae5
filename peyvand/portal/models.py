"""The customer portal's sign-in links.

A customer is not a Django user: a contact signs in with a one-time link e-mailed to one of their addresses
(docs/decisions/0023-customer-portal.md). The link's token is kept only as its SHA-256, so a copy of the database
opens no one's portal; the row then stands for the portal session the link opened, until it is signed out of or
grows too old.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalLink(models.Model):
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    # The address the link was sent to (normalised): tickets opened in the portal are answered there.
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    requested_from = models.CharField(_("requested from"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("portal sign-in link")
        verbose_name_plural = _("portal sign-in links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "used_at"], name="portal_link_contact_used")]

    def __str__(self) -> str:
        return f"{self.contact_id} · {self.created_at:%Y-%m-%d %H:%M}"
