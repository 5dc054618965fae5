"""Reads of leads, already limited to what the user may see."""

from peyvand.core.listing import Filter, ListSpec, as_date, as_int
from peyvand.leads.models import Lead

LEAD_LIST = ListSpec(
    entity="lead",
    ordering=("created_at", "updated_at", "last_name", "company_name", "status", "score"),
    default_ordering="-created_at",
    filters={
        "owner": Filter("owner_id", as_int),
        "team": Filter("team_id", as_int),
        "status": Filter("status"),
        "source": Filter("source"),
        "city": Filter("city"),
        "region": Filter("region"),
        "industry": Filter("industry"),
        "pipeline": Filter("pipeline_id", as_int),
        "score_band": Filter("score_band"),
        "web_form": Filter("web_form_id", as_int),
        "tag": Filter("tags__name"),
        "created_after": Filter("created_at__date__gte", as_date),
        "created_before": Filter("created_at__date__lte", as_date),
    },
)


def leads_visible_to(user):
    return (
        Lead.objects.visible_to(user)
        .select_related("owner", "team", "scoring_model")
        .prefetch_related("tags")
    )
