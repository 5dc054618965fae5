"""/billing/: the way into billing from the navigation, a card per list with the figures that say where to look."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peyvand.billing import permissions, selectors_catalog, selectors_invoices, selectors_quotes
from peyvand.billing.models import InvoiceKind, QuoteStatus

# Quotes a customer or a manager still has to answer, or the owner still has to send.
OPEN_QUOTES = (
    QuoteStatus.DRAFT,
    QuoteStatus.PENDING_APPROVAL,
    QuoteStatus.APPROVED,
    QuoteStatus.SENT,
    QuoteStatus.CHANGES_REQUESTED,
)


@login_required
@require_GET
def billing_home_view(request):
    """Every figure comes from a selector already limited to what the user may see, in one query per card kind
    (invoices: one grouped query by currency), so the page costs the same whatever the data."""
    user = request.user
    today = timezone.localdate()
    open_invoices = Q(kind=InvoiceKind.INVOICE, status__in=selectors_invoices.OPEN, balance__gt=0)
    receivables = list(
        selectors_invoices.invoices_visible_to(user)
        .filter(open_invoices)
        .prefetch_related(None)
        .order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            unpaid=Sum("balance"),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        .order_by("currency")
    )
    context = {
        "open_quotes": selectors_quotes.quotes_visible_to(user).filter(status__in=OPEN_QUOTES).count(),
        "receivables": receivables,
        "unpaid_count": sum(row["count"] for row in receivables),
        "overdue_count": sum(row["overdue"] for row in receivables),
        "payments_count": selectors_invoices.payments_visible_to(user).prefetch_related(None).count(),
        "products_count": selectors_catalog.products_visible_to(user).filter(active=True).count(),
        "can_export_tax": permissions.can_issue_invoices(user),
        "can_change_settings": permissions.can_change_billing_settings(user),
    }
    return render(request, "billing/home.html", context)
