"""The scoring models' settings pages (peyvand/leads/views_settings.py) and the services behind them
(peyvand/leads/configuration.py): thresholds and rules edited in place, versions, field errors, audit rows."""

import pytest

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditEntry, Job
from peyvand.leads import configuration
from peyvand.leads.models import ScoringModel, ScoringRule
from peyvand.leads.services import create_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def _model_form(**values):
    return {
        "name": "Default",
        "pipeline": "",
        "warm_from": "10",
        "hot_from": "30",
        "threshold": "20",
        "active": "1",
    } | values


def _rule_form(**values):
    return {
        "label": "Buying now",
        "field": "purchase_timeline",
        "condition": "equals",
        "value": "now",
        "points": "25",
    } | values


def test_an_admin_creates_a_model_and_a_rule_and_new_leads_are_scored_by_them(client, admin):
    client.force_login(admin)

    created = client.post("/settings/scoring/new/", _model_form())

    model = ScoringModel.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/settings/scoring/{model.pk}/"
    assert (model.warm_from, model.hot_from, model.threshold, model.active) == (10, 30, 20, True)
    assert audit_for(model).get().action == "create"

    added = client.post(f"/settings/scoring/{model.pk}/rules/", _rule_form())

    assert added.status_code == 302
    rule = model.rules.get()
    assert (rule.field, rule.condition, rule.value, rule.points, rule.order) == (
        "purchase_timeline",
        "equals",
        "now",
        25,
        1,
    )
    assert audit_for(rule).get().action == "create"
    lead = create_lead(actor=admin, values={"last_name": "Karimi", "purchase_timeline": "now"})
    assert (lead.score, lead.score_band, lead.qualified) == (25, "warm", True)
    assert lead.score_explanation[0]["label"] == "Buying now"


def test_the_model_page_names_fields_as_people_read_them(client, admin, scoring_model):
    client.force_login(admin)

    page = client.get(f"/settings/scoring/{scoring_model.pk}/").content.decode()

    assert '<option value="company.industry" >Company › Industry</option>' in page
    assert '<option value="purchase_timeline" selected>Purchase timeline</option>' in page
    assert 'id="scoring-rule-' in page
    assert "Version 1" in page


def test_editing_a_rule_bumps_its_version_and_the_models_and_rescores(client, admin, scoring_model):
    rule = scoring_model.rules.get(label="Buying now")
    client.force_login(admin)

    response = client.post(f"/settings/scoring/{scoring_model.pk}/rules/{rule.pk}/", _rule_form(points="35"))

    assert response.status_code == 302
    rule.refresh_from_db()
    scoring_model.refresh_from_db()
    assert (rule.points, rule.version, scoring_model.version) == (35, 2, 2)
    assert audit_for(rule).first().changes == {"points": [20, 35]}
    assert Job.objects.filter(kind="leads.rescore").count() == 1


def test_saving_a_rule_unchanged_moves_no_version(admin, scoring_model):
    rule = scoring_model.rules.get(label="Buying now")

    configuration.save_scoring_rule(
        actor=admin, model=scoring_model, rule=rule, values=_rule_form(points="20")
    )

    rule.refresh_from_db()
    scoring_model.refresh_from_db()
    assert (rule.version, scoring_model.version) == (1, 1)
    assert not audit_for(rule).exists()


def test_changing_thresholds_bumps_the_model_version(client, admin, scoring_model):
    client.force_login(admin)

    client.post(
        f"/settings/scoring/{scoring_model.pk}/", _model_form(warm_from="20", hot_from="70", threshold="55")
    )

    scoring_model.refresh_from_db()
    assert (scoring_model.warm_from, scoring_model.hot_from, scoring_model.threshold) == (20, 70, 55)
    assert scoring_model.version == 2
    assert audit_for(scoring_model).first().changes["hot_from"] == [60, 70]


def test_a_wrong_rule_is_refused_beside_its_field_and_keeps_what_was_typed(client, admin, scoring_model):
    rule = scoring_model.rules.get(label="Budget over 100M")
    client.force_login(admin)

    response = client.post(
        f"/settings/scoring/{scoring_model.pk}/rules/{rule.pk}/",
        _rule_form(field="budget", condition="gt", value="a lot", points="many"),
    )

    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["rule"].pk == rule.pk)
    assert row["errors"] == {"points": "Enter a whole number from -1000 to 1000.", "value": "Enter a number."}
    page = response.content.decode()
    assert 'value="a lot"' in page
    assert "Enter a number." in page
    rule.refresh_from_db()
    assert (rule.value, rule.points) == ("100000000", 40)


def test_a_new_rule_on_an_unknown_field_names_the_field(client, admin, scoring_model):
    client.force_login(admin)

    response = client.post(
        f"/settings/scoring/{scoring_model.pk}/rules/", _rule_form(field="salary", label="")
    )

    assert response.status_code == 400
    assert set(response.context["new_errors"]) == {"field", "label"}
    assert scoring_model.rules.count() == 3


def test_a_model_with_hot_below_warm_or_a_second_active_default_is_refused(client, admin, scoring_model):
    client.force_login(admin)

    upside_down = client.post(
        "/settings/scoring/new/", _model_form(name="Other", warm_from="50", hot_from="40")
    )
    second = client.post("/settings/scoring/new/", _model_form(name="Other"))
    not_a_number = client.post("/settings/scoring/new/", _model_form(name="Other", active="", threshold="۵x"))

    assert upside_down.status_code == 400
    assert upside_down.context["errors"]["hot_from"] == "Hot must start at or above warm."
    assert second.status_code == 400
    assert "active" in second.context["errors"]
    assert not_a_number.context["errors"]["threshold"].startswith("Enter a whole number")
    assert ScoringModel.objects.count() == 1
    inactive = client.post("/settings/scoring/new/", _model_form(name="Draft", active="", threshold="۴۵"))
    assert inactive.status_code == 302
    assert ScoringModel.objects.get(name="Draft").threshold == 45


def test_deleting_a_rule_is_audited_and_bumps_the_model(client, admin, scoring_model):
    rule = scoring_model.rules.get(label="Buying now")
    client.force_login(admin)

    response = client.post(f"/settings/scoring/{scoring_model.pk}/rules/{rule.pk}/delete/")

    assert response.status_code == 302
    assert not ScoringRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(object_id=rule.pk, action="delete").exists()
    scoring_model.refresh_from_db()
    assert scoring_model.version == 2


def test_a_rule_of_another_model_is_not_found_there(client, admin, scoring_model):
    other = configuration.save_scoring_model(actor=admin, values=_model_form(name="Other", active=False))
    rule = scoring_model.rules.first()
    client.force_login(admin)

    assert client.post(f"/settings/scoring/{other.pk}/rules/{rule.pk}/", _rule_form()).status_code == 404
    assert client.post(f"/settings/scoring/{other.pk}/rules/{rule.pk}/delete/").status_code == 404
    assert ScoringRule.objects.filter(pk=rule.pk).exists()


def test_managers_and_reps_are_refused_the_pages_and_the_services(
    client, admin, manager_a, rep_a, scoring_model
):
    for who in (manager_a, rep_a):
        client.force_login(who)
        assert client.get("/settings/scoring/").status_code == 403
        assert client.get(f"/settings/scoring/{scoring_model.pk}/").status_code == 403
        assert client.post(f"/settings/scoring/{scoring_model.pk}/rules/", _rule_form()).status_code == 403
        with pytest.raises(PeyvandError) as refused:
            configuration.save_scoring_rule(actor=who, model=scoring_model, values=_rule_form())
        assert refused.value.status == 403
    assert scoring_model.rules.count() == 3


def test_the_list_and_the_insights_page_link_the_models_page_not_the_admin(client, admin, scoring_model):
    client.force_login(admin)

    listing = client.get("/settings/scoring/").content.decode()
    insights = client.get(f"/leads/scoring/{scoring_model.pk}/").content.decode()

    assert f'href="/settings/scoring/{scoring_model.pk}/"' in listing
    assert f'href="/settings/scoring/{scoring_model.pk}/"' in insights
    assert "/admin/" not in insights.split("<main", 1)[1]


def test_the_model_page_speaks_persian(client, admin, scoring_model):
    client.force_login(admin)
    client.cookies["django_language"] = "fa"

    page = client.get(f"/settings/scoring/{scoring_model.pk}/").content.decode()

    assert "افزودن قاعده" in page
    assert "گرم از" in page


def test_saving_a_model_unchanged_moves_no_version_and_rescores_nothing(admin, scoring_model):
    values = {"name": "Default", "pipeline": "", "warm_from": "30", "hot_from": "60", "threshold": "50"}

    configuration.save_scoring_model(actor=admin, model=scoring_model, values=values | {"active": True})

    scoring_model.refresh_from_db()
    assert scoring_model.version == 1
    assert not audit_for(scoring_model).exists()
    assert not Job.objects.filter(kind="leads.rescore").exists()
