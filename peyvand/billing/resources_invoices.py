"""Billing's invoices record types and settings sections."""

from django.db.models.signals import pre_save


def register() -> None:
    from peyvand.billing.models import Invoice
    from peyvand.billing.services_invoices import refuse_changes_to_issued

    pre_save.connect(refuse_changes_to_issued, sender=Invoice, dispatch_uid="billing.invoice_immutable")
