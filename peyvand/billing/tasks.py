"""Background jobs of billing, each idempotent."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django_tasks import task

from peyvand.billing import pdf
from peyvand.billing.models import Invoice, InvoiceStatus
from peyvand.core import registry
from peyvand.files.models import Attachment

log = logging.getLogger(__name__)


@task()
def attach_issued_pdf(*, invoice_id: int, actor_id: int) -> None:
    """Store an issued invoice's or credit note's PDF among its files, in the site's language (the document the
    business keeps), once: a retried or repeated job finds the file already there. A failure is logged and leaves
    the issue as it is; the PDF can still be downloaded from the record's page, which renders it afresh."""
    invoice = Invoice.all_objects.filter(pk=invoice_id).exclude(status=InvoiceStatus.DRAFT).first()
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if invoice is None or actor is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        name = pdf.file_name(invoice)
        stored = Attachment.objects.filter(
            record_type=registry.type_name(Invoice), record_id=invoice.pk, name=name, deleted_at__isnull=True
        )
        if stored.exists():
            return
        try:
            pdf.attach_pdf(invoice, actor=actor)
        except Exception:
            log.exception("the PDF of invoice %s could not be stored", invoice.pk)
