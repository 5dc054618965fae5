"""Reads of leads, already limited to what the user may see."""

from django.utils.translation import gettext_lazy as _

from peyvand.core.listing import Filter, ListSpec, as_date, as_int
from peyvand.leads import permissions
from peyvand.leads.models import Lead, ScoringModel

LEAD_LIST = ListSpec(
    entity="lead",
    ordering=("created_at", "updated_at", "last_name", "company_name", "status", "score"),
    default_ordering="-created_at",
    filters={
        "owner": Filter("owner_id", as_int, _("Owner")),
        "team": Filter("team_id", as_int, _("Team")),
        "status": Filter("status", label=_("Status")),
        "source": Filter("source", label=_("Source channel")),
        "city": Filter("city", label=_("City")),
        "region": Filter("region", label=_("Region")),
        "audience": Filter("audience", label=_("Audience")),
        "industry": Filter("industry", label=_("Industry")),
        "pipeline": Filter("pipeline_id", as_int, _("Pipeline")),
        "score_band": Filter("score_band", label=_("Score band")),
        "web_form": Filter("web_form_id", as_int, _("Web form")),
        "tag": Filter("tags__name", label=_("Tag")),
        "created_after": Filter("created_at__date__gte", as_date, _("Created from")),
        "created_before": Filter("created_at__date__lte", as_date, _("Created until")),
    },
)


def leads_visible_to(user):
    return (
        Lead.objects.visible_to(user)
        .select_related("owner", "team", "scoring_model")
        .prefetch_related("tags")
    )


def scoring_models_visible_to(user):
    """Scoring models are administrators' configuration: to anyone else none exists (a 404, not a 403)."""
    if not permissions.can_manage_scoring(user):
        return ScoringModel.objects.none()
    return ScoringModel.objects.all()
