"""The assignment rules' settings page (peyvand/leads/views_settings.py) and the services behind it
(peyvand/leads/configuration.py): sentences people read, order that decides, field errors, audit rows."""

import pytest

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.core.models import AuditEntry
from peyvand.leads import configuration
from peyvand.leads.models import AssignmentRule, RoundRobinState
from peyvand.leads.services import create_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def _form(**values):
    return {
        "name": "Website leads of Tehran",
        "active": "1",
        "source": "website",
        "territory": "Tehran، Karaj",
        "pipeline": "",
        "audience": "",
        "score_band": "",
        "language": "",
        "strategy": "round_robin",
        "target_user": "",
        "target_team": "",
        "fallback_owner": "",
        **values,
    }


def test_an_admin_creates_a_rule_and_the_list_reads_it_as_a_sentence(client, admin, team_a, rep_a):
    client.force_login(admin)

    response = client.post("/settings/assignment/new/", _form(target_team=str(team_a.pk)))

    assert response.status_code == 302
    rule = AssignmentRule.objects.get()
    assert (rule.source, rule.territory, rule.strategy, rule.target_team) == (
        "website",
        "Tehran, Karaj",
        "round_robin",
        team_a,
    )
    assert rule.order == 1
    assert RoundRobinState.objects.filter(rule=rule).exists()
    assert audit_for(rule).get().action == "create"
    page = client.get("/settings/assignment/").content.decode()
    assert "Website leads in Tehran, Karaj" in page
    assert "round robin in Tehran" in page
    assert "first rule whose conditions it meets" in page  # first match wins, said on the page


def test_a_rule_made_on_the_page_assigns_the_next_lead(client, admin, team_a, rep_a):
    client.force_login(admin)
    client.post("/settings/assignment/new/", _form(strategy="user", target_user=str(rep_a.pk)))

    lead = create_lead(actor=admin, values={"last_name": "Nasiri", "source": "website", "city": "Karaj"})
    elsewhere = create_lead(actor=admin, values={"last_name": "Amini", "source": "website", "city": "Yazd"})

    assert lead.owner == rep_a
    assert "Website leads of Tehran" in lead.assignment_reason
    assert elsewhere.owner == admin


def test_the_first_matching_rule_wins_and_moving_a_rule_up_changes_which(admin, team_a, rep_a, rep_a2):
    broad = configuration.save_assignment_rule(
        actor=admin, values=_form(name="Every website lead", territory="", strategy="user", target_user=rep_a)
    )
    narrow = configuration.save_assignment_rule(
        actor=admin, values=_form(name="Karaj", territory="Karaj", strategy="user", target_user=rep_a2.pk)
    )
    assert [broad.order, narrow.order] == [1, 2]
    assert (
        create_lead(actor=admin, values={"last_name": "A", "source": "website", "city": "Karaj"}).owner
        == rep_a
    )

    configuration.move_assignment_rule(actor=admin, rule=narrow, direction="up")

    assert list(AssignmentRule.objects.values_list("name", "order")) == [
        ("Karaj", 1),
        ("Every website lead", 2),
    ]
    assert (
        create_lead(actor=admin, values={"last_name": "B", "source": "website", "city": "Karaj"}).owner
        == rep_a2
    )
    assert audit_for(narrow).first().changes == {"order": [2, 1]}


def test_moving_the_first_rule_up_leaves_the_order_alone(client, admin, rep_a):
    first = configuration.save_assignment_rule(
        actor=admin, values=_form(strategy="user", target_user=rep_a.pk)
    )
    second = configuration.save_assignment_rule(
        actor=admin, values=_form(name="Second", strategy="user", target_user=rep_a.pk)
    )
    client.force_login(admin)

    assert client.post(f"/settings/assignment/{first.pk}/move/", {"direction": "up"}).status_code == 302
    client.post(f"/settings/assignment/{second.pk}/move/", {"direction": "down"})
    assert list(AssignmentRule.objects.values_list("pk", flat=True)) == [first.pk, second.pk]

    client.post(f"/settings/assignment/{first.pk}/move/", {"direction": "down"})
    assert list(AssignmentRule.objects.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_a_refused_rule_names_each_wrong_field_and_saves_nothing(client, admin):
    client.force_login(admin)

    response = client.post(
        "/settings/assignment/new/", _form(name="", source="fax", strategy="round_robin", target_team="")
    )

    assert response.status_code == 400
    errors = response.context["errors"]
    assert errors["name"] == "This field is required."
    assert errors["source"] == "Choose one of the options."
    assert errors["target_team"] == "Choose the team whose sellers get the leads."
    page = response.content.decode()
    assert "Choose the team whose sellers get the leads." in page
    assert 'value="fax"' not in page or "has-error" in page
    assert not AssignmentRule.objects.exists()


def test_a_user_rule_needs_its_user_and_an_inactive_user_is_refused(admin, rep_a):
    with pytest.raises(PeyvandError) as missing:
        configuration.save_assignment_rule(actor=admin, values=_form(strategy="user"))
    assert missing.value.errors[0]["field"] == "target_user"
    rep_a.is_active = False
    rep_a.save()
    with pytest.raises(PeyvandError) as inactive:
        configuration.save_assignment_rule(actor=admin, values=_form(strategy="user", target_user=rep_a.pk))
    assert {e["field"] for e in inactive.value.errors} == {"target_user"}


def test_editing_deactivating_and_deleting_are_audited(client, admin, rep_a, team_a):
    rule = configuration.save_assignment_rule(actor=admin, values=_form(target_team=team_a.pk))
    other = configuration.save_assignment_rule(actor=admin, values=_form(name="Other", target_team=team_a.pk))
    client.force_login(admin)

    edited = client.post(f"/settings/assignment/{rule.pk}/", _form(active="", target_team=str(team_a.pk)))

    assert edited.status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    assert audit_for(rule).first().changes == {"active": [True, False]}
    assert "Tehran" in client.get(f"/settings/assignment/{rule.pk}/").content.decode()

    assert client.post(f"/settings/assignment/{rule.pk}/delete/").status_code == 302
    assert not AssignmentRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(object_id=rule.pk, action="delete").exists()
    other.refresh_from_db()
    assert other.order == 1  # the rules below close up


def test_managers_and_reps_are_refused_the_pages_and_the_services(client, admin, manager_a, rep_a, team_a):
    rule = configuration.save_assignment_rule(actor=admin, values=_form(target_team=team_a.pk))
    for who in (manager_a, rep_a):
        client.force_login(who)
        assert client.get("/settings/assignment/").status_code == 403
        assert client.post("/settings/assignment/new/", _form(target_team=str(team_a.pk))).status_code == 403
        assert client.post(f"/settings/assignment/{rule.pk}/delete/").status_code == 403
        with pytest.raises(PeyvandError) as refused:
            configuration.save_assignment_rule(actor=who, values=_form(target_team=team_a.pk))
        assert refused.value.status == 403
    assert AssignmentRule.objects.count() == 1


def test_the_settings_hub_shows_the_leads_cards_to_an_admin_only(client, admin, manager_a):
    client.force_login(admin)
    page = client.get("/settings/").content.decode()
    assert 'data-section="lead-assignment"' in page
    assert 'data-section="lead-scoring"' in page
    client.force_login(manager_a)
    assert 'data-section="lead-assignment"' not in client.get("/settings/").content.decode()


def test_the_pages_speak_persian(client, admin, team_a):
    configuration.save_assignment_rule(actor=admin, values=_form(target_team=team_a.pk))
    client.force_login(admin)
    client.cookies["django_language"] = "fa"

    page = client.get("/settings/assignment/").content.decode()

    assert "قاعده‌های تخصیص سرنخ" in page
    assert "سرنخ‌های وب‌سایت" in page
    assert "←" in page


def test_trying_a_lead_names_the_rule_and_the_owner_without_moving_the_round_robin(
    client, admin, team_a, rep_a, rep_a2
):
    rule = configuration.save_assignment_rule(actor=admin, values=_form(target_team=team_a.pk))
    client.force_login(admin)

    tried = client.get("/settings/assignment/", {"try": "1", "source": "website", "city": "karaj"})
    again = client.get("/settings/assignment/", {"try": "1", "source": "website", "city": "karaj"})
    nothing = client.get("/settings/assignment/", {"try": "1", "source": "email", "city": "Karaj"})

    assert tried.status_code == 200
    assert tried.context["outcome"].owner == rep_a
    assert again.context["outcome"].owner == rep_a  # the rotation did not move
    assert "Website leads of Tehran" in tried.content.decode()
    assert RoundRobinState.objects.get(rule=rule).last_user_id is None
    assert nothing.context["outcome"] is None
    assert "No rule matches this lead" in nothing.content.decode()
    assert (
        create_lead(actor=admin, values={"last_name": "N", "source": "website", "city": "Karaj"}).owner
        == rep_a
    )
