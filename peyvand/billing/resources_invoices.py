"""Billing's invoices record types and settings sections."""

from django.db.models.signals import pre_save


def register() -> None:
    from peyvand.billing.models import Invoice, Payment
    from peyvand.billing.services_invoices import refuse_changes_to_issued
    from peyvand.billing.services_payments import refuse_deleting_allocated

    pre_save.connect(refuse_changes_to_issued, sender=Invoice, dispatch_uid="billing.invoice_immutable")
    pre_save.connect(refuse_deleting_allocated, sender=Payment, dispatch_uid="billing.payment_allocated")
