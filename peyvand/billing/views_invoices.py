"""Pages of invoices: the screen (list, record page, draft form), issuing, crediting and the overdue list."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.billing import permissions, selectors_invoices, services_invoices
from peyvand.billing.models import Invoice, InvoiceKind, InvoiceStatus
from peyvand.billing.resources_invoices import INVOICES
from peyvand.core import jalali
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.listing import paginate
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import MoneyField, RecordForm
from peyvand.web.screens import Screen

LINE_ROWS = 5


class InvoiceForm(RecordForm):
    """A draft: its customer, dates and terms, and up to five lines (a row left empty is no line)."""

    model = Invoice
    field_names = (
        "company",
        "contact",
        "deal",
        "currency",
        "issue_date",
        "due_date",
        "discount_percent",
        "terms",
        "note",
        "owner",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs.update({"dir": "ltr", "maxlength": 3})
        for name in ("company", "contact", "deal"):
            self.fields[name].required = False
        existing = list(self.instance.lines.all()) if self.instance is not None else []
        currency = str(self.data.get("currency") or getattr(self.instance, "currency", "") or "IRR")
        for i in range(max(LINE_ROWS, len(existing))):
            line = existing[i] if i < len(existing) else None
            n = (
                jalali.persian_digits(str(i + 1)) if jalali.uses_jalali() else str(i + 1)
            )  # the reader's digits
            self.fields[f"line_{i}_description"] = forms.CharField(
                label=gettext_lazy("Line %(n)s: description") % {"n": n}, required=False, max_length=300
            )
            self.fields[f"line_{i}_quantity"] = forms.DecimalField(
                label=gettext_lazy("Line %(n)s: quantity") % {"n": n},
                required=False,
                min_value=Decimal("0.001"),
            )
            self.fields[f"line_{i}_unit_price"] = MoneyField(
                label=gettext_lazy("Line %(n)s: unit price") % {"n": n}, required=False, currency=currency
            )
            self.fields[f"line_{i}_tax_percent"] = forms.DecimalField(
                label=gettext_lazy("Line %(n)s: tax (%%)") % {"n": n},
                required=False,
                min_value=0,
                max_value=100,
            )
            if line is not None:
                self.initial.update(
                    {
                        f"line_{i}_description": line.description,
                        f"line_{i}_quantity": line.quantity.normalize(),
                        f"line_{i}_unit_price": line.unit_price,
                        f"line_{i}_tax_percent": line.tax_percent.normalize(),
                    }
                )

    def clean(self):
        data = super().clean()
        lines = []
        for name in list(data):
            if name.startswith("line_") and name.endswith("_description"):
                i = name.split("_")[1]
                row = {
                    key: data.pop(f"line_{i}_{key}", None)
                    for key in ("description", "quantity", "unit_price", "tax_percent")
                }
                if row["description"] or row["unit_price"]:
                    lines.append(
                        {
                            "description": row["description"],
                            "quantity": row["quantity"] or 1,
                            "unit_price": row["unit_price"] or 0,
                            "tax_percent": row["tax_percent"] or 0,
                        }
                    )
        data = {k: v for k, v in data.items() if not k.startswith("line_")}
        data["lines"] = lines
        self.cleaned_data = data
        return data


def _invoice_extra(user, invoice):
    return {
        "allocations": list(selectors_invoices.allocations_of(invoice)),
        "credit_notes": list(selectors_invoices.credit_notes_of(invoice)),
        "can_issue": permissions.can_issue_invoices(user),
        "can_record_payments": permissions.can_record_payments(user),
        "is_invoice": invoice.kind == InvoiceKind.INVOICE,
        "open": invoice.status in selectors_invoices.OPEN,
    }


INVOICE_SCREEN = Screen(
    resource=INVOICES,
    form_class=InvoiceForm,
    columns=("number", "status", "company", "contact", "issue_date", "due_date", "total", "balance", "owner"),
    extra_fields=("number", "kind", "status", "total", "paid", "credited", "balance", "credits", "quote"),
    filters=(
        owner_filter(),
        choices_filter("status", gettext_lazy("Status"), InvoiceStatus.choices),
        choices_filter("kind", gettext_lazy("Kind"), InvoiceKind.choices),
        choices_filter("overdue", gettext_lazy("Overdue"), [("true", gettext_lazy("Overdue"))]),
    ),
    detail_extra=_invoice_extra,
    initial_from_request=("company", "contact", "deal"),
)


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def issue_view(request, pk: int):
    invoice = INVOICES.get(request, pk)
    try:
        invoice = services_invoices.issue_invoice(
            actor=request.user, invoice=invoice, version=_version(request)
        )
    except PeyvandError as exc:
        messages.error(request, " ".join([str(exc.message), *(str(e["message"]) for e in exc.errors)]))
    else:
        messages.success(request, _("Issued as %(number)s.") % {"number": invoice.number})
    return HttpResponseRedirect(reverse("invoices:detail", args=[pk]))


@login_required
def credit_view(request, pk: int):
    """Credit some lines (a quantity per line) or the whole invoice."""
    invoice = INVOICES.get(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        full = request.POST.get("full") == "on"
        lines = []
        for line in invoice.lines.all():
            raw = (request.POST.get(f"quantity_{line.pk}") or "").strip()
            if raw:
                lines.append({"line": line.pk, "quantity": raw})
        try:
            note = services_invoices.credit_invoice(
                actor=request.user, invoice=invoice, lines=lines, full=full, note=request.POST.get("note", "")
            )
        except (PeyvandError, ValidationFailed) as exc:
            errors = [str(exc.message), *(str(e["message"]) for e in exc.errors)]
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return HttpResponseRedirect(reverse("invoices:detail", args=[pk]))
    return render(request, "billing/invoices/credit.html", {"record": invoice, "errors": errors})


@login_required
def overdue_view(request):
    """Invoices still owed after their due date that the user may see, the longest overdue first."""
    try:
        page = paginate(selectors_invoices.overdue_invoices_visible_to(request.user), request.GET.get("page"))
    except ValidationFailed:
        page = paginate(selectors_invoices.overdue_invoices_visible_to(request.user))
    return render(request, "billing/invoices/overdue.html", {"page": page})
