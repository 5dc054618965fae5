"""Reads of quotes, already limited to what the user may see (owner, team, administrator, as every owned
record), and the list's allow-listed filters and sort fields."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from peyvand.billing.models import Quote, QuoteLine
from peyvand.core.listing import Filter, ListSpec, as_date, as_int

QUOTE_LIST = ListSpec(
    entity="quote",
    ordering=("created_at", "updated_at", "number", "issue_date", "valid_until", "total"),
    default_ordering="-created_at",
    filters={
        "status": Filter("status", label=_("Status")),
        "deal": Filter("deal_id", as_int, _("Deal")),
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "company": Filter("company_id", as_int, _("Company")),
        "contact": Filter("contact_id", as_int, _("Contact")),
        "valid_after": Filter("valid_until__gte", as_date, _("Valid until from")),
        "valid_before": Filter("valid_until__lte", as_date, _("Valid until to")),
    },
)


def quotes_visible_to(user) -> QuerySet[Quote]:
    return Quote.objects.visible_to(user).select_related(
        "owner", "team", "deal", "company", "contact", "approved_by", "accept_stage", "previous"
    )


def quote_lines(quote: Quote) -> list[QuoteLine]:
    return list(quote.lines.select_related("product").order_by("position", "id"))


def versions_of(user, quote: Quote) -> list[Quote]:
    """Every revision of the quote's number the user may see, newest first."""
    return list(Quote.objects.visible_to(user).filter(number=quote.number).order_by("-version_number", "-id"))


def quotes_of_deal(user, deal) -> QuerySet[Quote]:
    return (
        Quote.objects.visible_to(user)
        .filter(deal=deal)
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "id")))
    )
