"""Reads of companies and contacts, already limited to what the user may see."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from peyvand.contacts.models import Company, Contact
from peyvand.core.listing import Filter, ListSpec, as_bool, as_date, as_int


def is_not(raw: str) -> bool:
    """A yes/no filter on an ``__isnull`` lookup: "yes" means the value is there."""
    return not as_bool(raw)


COMPANY_LIST = ListSpec(
    entity="company",
    ordering=("name", "created_at", "updated_at", "city", "industry"),
    default_ordering="name",
    filters={
        "owner": Filter("owner_id", as_int),
        "team": Filter("team_id", as_int),
        "industry": Filter("industry"),
        "size": Filter("size"),
        "city": Filter("city"),
        "region": Filter("region"),
        "tag": Filter("tags__name"),
        "lost": Filter("lost_on__isnull", is_not, _("Lost customers")),
        "created_after": Filter("created_at__date__gte", as_date),
        "created_before": Filter("created_at__date__lte", as_date),
    },
)

CONTACT_LIST = ListSpec(
    entity="contact",
    ordering=("last_name", "first_name", "created_at", "updated_at", "city"),
    default_ordering="last_name",
    filters={
        "owner": Filter("owner_id", as_int),
        "team": Filter("team_id", as_int),
        "company": Filter("company_id", as_int),
        "source": Filter("source"),
        "city": Filter("city"),
        "region": Filter("region"),
        "audience": Filter("audience"),
        "tag": Filter("tags__name"),
        "lost": Filter("lost_on__isnull", is_not, _("Lost customers")),
        "created_after": Filter("created_at__date__gte", as_date),
        "created_before": Filter("created_at__date__lte", as_date),
    },
)


def companies_visible_to(user):
    return (
        Company.objects.visible_to(user)
        .select_related("owner", "team")
        .prefetch_related("tags")
        .annotate(
            open_deals=Count(
                "deals", filter=Q(deals__status="open", deals__deleted_at__isnull=True), distinct=True
            )
        )
    )


def contacts_visible_to(user):
    return (
        Contact.objects.visible_to(user).select_related("owner", "team", "company").prefetch_related("tags")
    )
