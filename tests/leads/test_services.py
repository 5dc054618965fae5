"""Converting a lead (peyvand/leads/services.py): contact, company and an open deal, once, with an audit row."""

import pytest

from peyvand.contacts.models import Company, Contact
from peyvand.contacts.services import create_company, create_contact
from peyvand.core.errors import PeyvandError, StaleVersion, ValidationFailed
from peyvand.core.models import AuditEntry
from peyvand.leads.models import Lead, LeadStatus
from peyvand.leads.services import convert_lead, create_lead, update_lead
from peyvand.sales.models import Deal, Pipeline
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipelines(pipeline):
    """The default pipeline, with another one listed before it."""
    make_pipeline(name="Renewals", is_default=False)
    return pipeline


@pytest.fixture
def lead(rep_a):
    return create_lead(
        actor=rep_a,
        values={
            "first_name": "علي",
            "last_name": "كريمي",
            "title": "مدیر فناوری",
            "company_name": "پارس‌نوین",
            "industry": "نرم‌افزار",
            "phone": "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            "email": "Ali@ParsNovin.ir",
            "city": "تهران",
            "source": "exhibition",
        },
    )


def _convert(actor, lead, **kwargs):
    lead.refresh_from_db()
    return convert_lead(actor=actor, lead=lead, version=lead.version, **kwargs)


def test_converting_a_lead_creates_a_contact_a_company_and_an_open_deal_on_the_default_pipeline(
    rep_a,
    lead,
    pipelines,
):
    converted, deal = _convert(rep_a, lead)

    contact, company = converted.contact, converted.company
    assert (contact.first_name, contact.last_name, contact.title) == ("علی", "کریمی", "مدیر فناوری")
    assert contact.phones == ["+989123456789"] and contact.emails == ["ali@parsnovin.ir"]
    assert (contact.company, contact.source, contact.owner) == (company, "exhibition", rep_a)
    assert (company.name, company.industry, company.city, company.owner) == (
        "پارس‌نوین",
        "نرم‌افزار",
        "تهران",
        rep_a,
    )
    assert deal.pipeline == pipelines
    assert deal.stage == pipelines.stages.get(name="Lead in")
    assert (deal.status, deal.title, deal.owner) == ("open", "پارس‌نوین", rep_a)
    assert (deal.contact, deal.company, deal.lead) == (contact, company, converted)
    assert converted.status == LeadStatus.CONVERTED and converted.converted_at is not None


def test_converting_takes_the_deal_title_amount_and_pipeline_when_given(rep_a, lead, pipelines):
    renewals = Pipeline.objects.get(name="Renewals")

    _, deal = _convert(rep_a, lead, deal_title="تمدید پشتیبانی", amount="250000000", pipeline=renewals.pk)

    assert (deal.title, deal.amount, deal.pipeline) == ("تمدید پشتیبانی", 250000000, renewals)


def test_converting_links_an_existing_visible_contact_with_the_same_phone_instead_of_a_duplicate(
    rep_a,
    lead,
    pipeline,
):
    existing = create_contact(actor=rep_a, values={"last_name": "کریمی", "phones": ["+989123456789"]})
    contacts_before = Contact.objects.count()

    converted, deal = _convert(rep_a, lead)

    assert converted.contact == existing
    assert deal.contact == existing
    assert Contact.objects.count() == contacts_before


def test_converting_links_an_existing_visible_contact_with_the_same_email(rep_a, pipeline):
    existing = create_contact(actor=rep_a, values={"last_name": "کریمی", "emails": ["ali@parsnovin.ir"]})
    lead = create_lead(
        actor=rep_a, values={"last_name": "کریمی", "email": "ALI@parsnovin.ir"}, allow_duplicate=True
    )

    converted, _ = _convert(rep_a, lead)

    assert converted.contact == existing


def test_converting_never_links_a_contact_of_another_team_with_the_same_phone(rep_a, rep_b, lead, pipeline):
    strangers = create_contact(actor=rep_b, values={"last_name": "کریمی", "phones": ["+989123456789"]})

    converted, _ = _convert(rep_a, lead)

    assert converted.contact != strangers
    assert converted.contact.owner == rep_a
    assert Contact.objects.filter(search_text__contains="+989123456789").count() == 2


def test_converting_links_an_existing_visible_company_with_the_same_name_however_spelled(rep_a, pipeline):
    existing = create_company(actor=rep_a, values={"name": "پارس نوين"})
    lead = create_lead(actor=rep_a, values={"last_name": "کریمی", "company_name": "پارس‌نوین"})
    companies_before = Company.objects.count()

    converted, deal = _convert(rep_a, lead)

    assert converted.company == existing and deal.company == existing
    assert Company.objects.count() == companies_before


def test_a_lead_without_a_company_name_converts_without_a_company(rep_a, pipeline):
    lead = create_lead(actor=rep_a, values={"first_name": "سارا", "last_name": "احمدی"})

    converted, deal = _convert(rep_a, lead)

    assert converted.company is None and deal.company is None
    assert deal.title == "سارا احمدی"


def test_a_second_conversion_is_refused_with_409_lead_already_converted(rep_a, lead, pipeline):
    _convert(rep_a, lead)
    deals_before = Deal.objects.count()

    with pytest.raises(PeyvandError) as refused:
        _convert(rep_a, lead)

    assert (refused.value.code, refused.value.status) == ("lead.already_converted", 409)
    assert Deal.objects.count() == deals_before


def test_a_disqualified_lead_cannot_be_converted(rep_a, lead, pipeline):
    lead = update_lead(actor=rep_a, lead=lead, version=lead.version, values={"status": "disqualified"})

    with pytest.raises(PeyvandError) as refused:
        _convert(rep_a, lead)

    assert (refused.value.code, refused.value.status) == ("lead.disqualified", 409)
    assert not Deal.objects.exists()


def test_converting_with_a_stale_version_is_refused_and_creates_nothing(rep_a, lead, pipeline):
    stale = lead.version
    update_lead(actor=rep_a, lead=lead, version=lead.version, values={"city": "کرج"})

    with pytest.raises(StaleVersion):
        convert_lead(actor=rep_a, lead=lead, version=stale)

    assert not Deal.objects.exists() and not Contact.objects.exists() and not Company.objects.exists()


def test_a_conversion_that_fails_on_the_deal_leaves_no_contact_or_company_behind(
    rep_a, team_b, lead, pipeline
):
    other_teams = make_pipeline(name="Shiraz sales", team=team_b, is_default=False)

    with pytest.raises(ValidationFailed) as refused:
        _convert(rep_a, lead, pipeline=other_teams.pk)

    assert [e["field"] for e in refused.value.errors] == ["pipeline"]
    assert not Contact.objects.exists() and not Company.objects.exists() and not Deal.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


def test_converting_writes_a_convert_audit_row_with_the_actor_and_the_changes(rep_a, lead, pipeline):
    converted, deal = _convert(rep_a, lead)

    entry = AuditEntry.objects.filter(object_id=lead.pk, content_type__model="lead").order_by("-id").first()
    assert (entry.action, entry.actor, entry.version) == ("convert", rep_a, converted.version)
    assert entry.changes["status"] == ["new", "converted"]
    assert entry.changes["contact"] == [None, converted.contact_id]
    assert entry.changes["company"] == [None, converted.company_id]
    assert str(deal.pk) in entry.note


def test_a_manager_converting_a_reps_lead_gives_everything_to_the_rep(manager_a, rep_a, lead, pipeline):
    converted, deal = _convert(manager_a, lead)

    assert converted.contact.owner == rep_a and converted.company.owner == rep_a and deal.owner == rep_a


# --- through the API ------------------------------------------------------------------------------------------


def test_post_convert_answers_with_the_lead_the_deal_the_contact_and_the_company(
    api_for, rep_a, lead, pipeline
):
    api = api_for(rep_a)

    answer = api.post(f"/leads/{lead.pk}/convert", {"version": lead.version, "amount": "1000"})

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    deal = Deal.objects.get(pk=body["deal_id"])
    assert (body["contact_id"], body["company_id"]) == (deal.contact_id, deal.company_id)
    assert body["lead"]["status"] == "converted" and body["lead"]["contact_id"] == deal.contact_id
    assert api.get(f"/deals/{deal.pk}").json()["amount"] in ("1000.00", "1000")
    assert api.get(f"/leads/{lead.pk}/audit").json()[0]["action"] == "convert"


def test_post_convert_twice_answers_409_lead_already_converted(api_for, rep_a, lead, pipeline):
    api = api_for(rep_a)
    first = api.post(f"/leads/{lead.pk}/convert", {"version": lead.version})

    again = api.post(f"/leads/{lead.pk}/convert", {"version": first.json()["lead"]["version"]})

    assert again.status_code == 409
    assert again.json()["code"] == "lead.already_converted"
    assert Deal.objects.count() == 1


def test_post_convert_with_a_stale_version_answers_409_with_what_changed(api_for, rep_a, lead, pipeline):
    api = api_for(rep_a)
    api.patch(f"/leads/{lead.pk}", {"version": lead.version, "city": "کرج"})

    stale = api.post(f"/leads/{lead.pk}/convert", {"version": lead.version})

    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["changed_since"] == {"city": ["تهران", "کرج"]}
    assert not Deal.objects.exists()


def test_post_convert_without_a_version_is_refused_on_field_version(api_for, rep_a, lead, pipeline):
    refused = api_for(rep_a).post(f"/leads/{lead.pk}/convert", {})

    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["version"]


def test_an_api_call_creates_a_scored_assigned_lead_and_opens_a_deal_when_the_pipeline_says_so(
    admin, rep_a, pipeline, api_for
):
    from peyvand.leads.models import AssignmentRule, PipelineIntake, ScoringModel, ScoringRule

    PipelineIntake.objects.create(pipeline=pipeline, open_deal=True)
    model = ScoringModel.objects.create(name="Default", threshold=20)
    ScoringRule.objects.create(
        model=model, label="Industrial", field="industry", condition="contains", value="صنعت", points=30
    )
    AssignmentRule.objects.create(name="API leads", source="campaign", target_user=rep_a)

    response = api_for(admin).post(
        "/leads",
        {
            "last_name": "توکلی",
            "company_name": "صنایع غرب",
            "industry": "صنعتی",
            "source": "campaign",
            "pipeline": pipeline.pk,
            "budget": "120000000",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["score_band"], body["qualified"]) == (30, "warm", True)
    assert (body["owner_id"], body["pipeline_id"]) == (rep_a.pk, pipeline.pk)
    assert "API leads" in body["assignment_reason"]
    deal = Deal.objects.get(lead_id=body["id"])
    assert (deal.pipeline, deal.owner, deal.amount, deal.title) == (pipeline, rep_a, 120000000, "صنایع غرب")


def test_without_a_pipeline_rule_no_deal_opens_and_a_foreign_pipeline_is_refused(rep_a, pipeline, team_b):
    lead = create_lead(actor=rep_a, values={"last_name": "بی‌معامله", "pipeline": pipeline.pk})
    assert not Deal.objects.filter(lead=lead).exists()

    foreign = make_pipeline(name="Team B only", team=team_b, is_default=False)
    with pytest.raises(ValidationFailed) as refused:
        create_lead(actor=rep_a, values={"last_name": "ناپیدا", "pipeline": foreign.pk})
    assert refused.value.errors[0]["field"] == "pipeline"


def test_a_new_lead_like_a_visible_contact_is_refused_as_a_duplicate_unless_allowed(rep_a, api_for):
    create_contact(actor=rep_a, values={"last_name": "کریمی", "phones": ["+989123456789"]})
    api = api_for(rep_a)

    refused = api.post("/leads", {"last_name": "كريمي", "phone": "0912 345 6789"})

    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "duplicate" and refused.json()["candidates"]
    allowed = api.client.post(
        "/api/v1/leads?allow_duplicate=true",
        data={"last_name": "كريمي", "phone": "09123456789"},
        content_type="application/json",
        headers=api.headers,
    )
    assert allowed.status_code == 201, allowed.content
    again = api.post("/leads", {"last_name": "Other", "phone": "09123456789"})
    assert again.status_code == 409  # the new lead is indexed too
