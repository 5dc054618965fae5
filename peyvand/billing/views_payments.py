"""Pages of payments: the screen (list, record page, the form with a cheque's fields) and a cheque's status."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.billing import permissions, selectors_invoices, services_payments
from peyvand.billing.models import ChequeStatus, Invoice, Payment, PaymentMethod
from peyvand.billing.resources_invoices import PAYMENTS
from peyvand.core.errors import PeyvandError
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen

CHEQUE_FIELDS = ("cheque_number", "cheque_bank", "cheque_due_date")


class PaymentForm(RecordForm):
    """A payment; the cheque's number, bank and due date show only for a cheque (app.css), and the money goes to
    the invoice chosen, else to the customer's oldest open invoices."""

    model = Payment
    field_names = (
        "company",
        "contact",
        "amount",
        "currency",
        "method",
        "received_on",
        "reference",
        "cheque_number",
        "cheque_bank",
        "cheque_due_date",
        "note",
        "owner",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs.update({"dir": "ltr", "maxlength": 3})
        for name in ("company", "contact"):
            self.fields[name].required = False
        for name in CHEQUE_FIELDS:
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].widget.attrs["data-cheque"] = ""
        if self.instance is None:
            if "received_on" in self.fields:
                self.fields[
                    "received_on"
                ].initial = timezone.localdate()  # most payments are recorded the day
            self.fields["invoice"] = forms.ModelChoiceField(
                label=gettext_lazy("Pay invoice"),
                queryset=selectors_invoices.invoices_visible_to(self.user).filter(
                    status__in=selectors_invoices.OPEN
                ),
                required=False,
                help_text=gettext_lazy("Left empty, the payment pays the customer's oldest open invoices."),
            )
        else:
            for name in ("company", "contact", "amount", "currency", "method"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if self.instance is not None:
            for name in ("company", "contact", "amount", "currency", "method"):
                data.pop(name, None)
            return data
        invoice: Invoice | None = data.pop("invoice", None)
        if invoice is not None:
            if not (data.get("company") or data.get("contact")):
                data["company"], data["contact"] = invoice.company, invoice.contact
            amount = data.get("amount")
            if amount:
                data["allocations"] = [{"invoice": invoice.pk, "amount": min(amount, invoice.balance)}]
        else:
            data["auto_allocate"] = True
        for name in ("company", "contact"):
            if data.get(name) is not None:
                data[name] = data[name].pk
        return data


PAYMENT_SCREEN = Screen(
    resource=PAYMENTS,
    form_class=PaymentForm,
    columns=("received_on", "company", "contact", "amount", "method", "cheque_status", "allocated", "owner"),
    extra_fields=("cheque_status", "allocated"),
    filters=(
        owner_filter(),
        choices_filter("method", gettext_lazy("Method"), PaymentMethod.choices),
        choices_filter("cheque_status", gettext_lazy("Cheque status"), ChequeStatus.choices),
    ),
    detail_extra=lambda user, payment: {
        "can_record_payments": permissions.can_record_payments(user),
        "allocations": list(payment.allocations.all()),
        "cheque_statuses": ChequeStatus.choices,
    },
    initial_from_request=("company", "contact", "invoice"),
    can_create=lambda user: permissions.can_record_payments(user),
)


@login_required
@require_POST
def cheque_view(request, pk: int):
    payment = PAYMENTS.get(request, pk)
    try:
        services_payments.set_cheque_status(
            actor=request.user, payment=payment, status=request.POST.get("status", "")
        )
    except PeyvandError as exc:
        messages.error(request, " ".join([str(exc.message), *(str(e["message"]) for e in exc.errors)]))
    else:
        messages.success(request, _("Changes saved."))
    return HttpResponseRedirect(reverse("payments:detail", args=[pk]))
