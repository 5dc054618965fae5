"""Action rights of billing. Seeing a product, quote, invoice or payment is a queryset (``selectors``); these say
who may change what."""

from decimal import Decimal

CATALOG_FORBIDDEN = "billing.catalog_forbidden"
SETTINGS_FORBIDDEN = "billing.settings_forbidden"
APPROVAL_FORBIDDEN = "quote.approval_forbidden"
ISSUE_FORBIDDEN = "invoice.issue_forbidden"
PAYMENT_FORBIDDEN = "payment.forbidden"


def _staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_catalog(user) -> bool:
    """Products, categories, price lists, tiers and tax rates are shared: sales managers and administrators keep
    them; everyone signed in reads them."""
    return _staff(user) and bool(user.is_admin or user.is_manager)


def can_change_billing_settings(user) -> bool:
    """The seller's legal details, numbering, ceilings and the PDF's look: administrators only."""
    return _staff(user) and bool(user.is_admin)


def discount_ceiling(user, settings) -> Decimal | None:
    """The largest discount (% of the gross) the user grants without approval; None for no limit."""
    if user.is_admin:
        return None
    return settings.manager_discount_ceiling if user.is_manager else settings.rep_discount_ceiling


def can_approve_discount(user, quote, settings, share: Decimal) -> bool:
    """A discount above the owner's ceiling is approved by a manager of the quote's team within their own ceiling,
    or by an administrator."""
    if not _staff(user):
        return False
    if user.is_admin:
        return True
    return bool(
        user.is_manager
        and user.team_id
        and user.team_id == quote.team_id
        and share <= settings.manager_discount_ceiling
    )


def can_issue_invoices(user) -> bool:
    """Issuing an invoice or a credit note gives it a legal number: sales managers and administrators. Reps draft."""
    return _staff(user) and bool(user.is_admin or user.is_manager)


def can_record_payments(user) -> bool:
    """Payments and cheques move money on customers' balances: sales managers and administrators."""
    return can_issue_invoices(user)


def can_delete_payment(user, payment) -> bool:
    """A payment recorded by mistake is deleted by those who record payments, not by the rep who owns it. Whether
    it may go at all is the payment's state: one that pays invoices is refused (409, with the reason) by
    ``services_payments.refuse_deleting_allocated``, as an issued invoice is by ``refuse_changes_to_issued``."""
    return can_record_payments(user)
