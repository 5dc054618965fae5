"""The people settings: administrators add, change, deactivate and reactivate users, reset a password, and keep the
teams, inside the app, through the services (audited) and over HTTP; the last administrator stays one, nobody
deactivates themselves, and managers and reps are refused."""

import pytest
from django.test import Client

from peyvand.accounts import services
from peyvand.accounts.models import Role, SignedInSession, Team, User
from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.settings_sections import sections_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"
NEW_PASSWORD = "violet-harbour-1387"


def _client(user=None, language="en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _signed_in(username: str) -> Client:
    client = _client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    return client


def _new_user(**values):
    return {
        "username": "sara.k",
        "first_name": "Sara",
        "last_name": "Karimi",
        "email": "Sara@Example.com",
        "role": Role.SALES_REP,
        "team": "",
        "skills": "software, industrial",
        "territories": "تهران، البرز",
        "languages": "fa, en, fa",
        "password": NEW_PASSWORD,
        **values,
    }


def _error_fields(exc) -> set[str]:
    return {e["field"] for e in exc.value.errors}


# --- services ----------------------------------------------------------------------------------------------------


def test_adding_a_user_stores_the_tidied_values_and_an_audit_row(admin, team_a):
    user = services.add_user(actor=admin, values=_new_user(team=str(team_a.pk)))
    user.refresh_from_db()
    assert (user.username, user.email, user.team, user.role) == (
        "sara.k",
        "sara@example.com",
        team_a,
        "sales_rep",
    )
    assert user.skills == ["software", "industrial"]
    assert user.territories == ["تهران", "البرز"]
    assert user.languages == ["fa", "en"]
    assert user.check_password(NEW_PASSWORD) and user.is_active
    assert not (user.is_staff or user.is_superuser)
    entry = audit_for(user).get()
    assert entry.action == "create" and entry.actor == admin
    assert entry.changes["username"] == [None, "sara.k"] and entry.changes["team"] == [None, team_a.pk]
    assert "password" not in entry.changes


def test_an_administrator_added_is_also_an_operator(admin):
    user = services.add_user(actor=admin, values=_new_user(role=Role.ADMIN))
    assert user.is_admin and user.is_staff and user.is_superuser


def test_a_weak_or_missing_password_is_refused_on_the_password_field(admin):
    with pytest.raises(ValidationFailed) as weak:
        services.add_user(actor=admin, values=_new_user(password="12345"))
    assert _error_fields(weak) == {"password"}
    assert len(weak.value.errors) >= 2  # too short and entirely numeric: both said
    with pytest.raises(ValidationFailed) as missing:
        services.add_user(actor=admin, values=_new_user(password=""))
    assert _error_fields(missing) == {"password"}
    assert not User.objects.filter(username="sara.k").exists()


def test_every_bad_value_is_named_on_its_field_at_once(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.add_user(
            actor=admin,
            values=_new_user(
                username="admin", email="not-an-address", role="king", team="9999", skills="x" * 61
            ),
        )
    assert _error_fields(refused) == {"username", "email", "role", "team", "skills"}


def test_a_username_differing_only_in_case_is_taken(admin):
    with pytest.raises(ValidationFailed) as refused:
        services.add_user(actor=admin, values=_new_user(username="ADMIN"))
    assert _error_fields(refused) == {"username"}


def test_managers_and_reps_may_not_manage_people(manager_a, rep_a, team_a):
    for actor in (manager_a, rep_a):
        with pytest.raises(PeyvandError) as refused:
            services.add_user(actor=actor, values=_new_user())
        assert refused.value.status == 403 and refused.value.code == "people.forbidden"
        with pytest.raises(PeyvandError):
            services.save_team(actor=actor, team=team_a, values={"name": "Renamed"})
    assert team_a.name == Team.objects.get(pk=team_a.pk).name == "Tehran"


def test_editing_changes_only_what_is_given_and_audits_the_difference(admin, rep_a, team_b):
    services.update_user(
        actor=admin, user=rep_a, values={"team": str(team_b.pk), "role": Role.SALES_MANAGER, "skills": "B2B"}
    )
    rep_a.refresh_from_db()
    assert (rep_a.team, rep_a.role, rep_a.skills, rep_a.username) == (
        team_b,
        "sales_manager",
        ["B2B"],
        "rep_a",
    )
    entry = audit_for(rep_a).get()
    assert set(entry.changes) == {"team", "role", "skills"}
    assert entry.changes["role"] == ["sales_rep", "sales_manager"]


def test_a_former_administrator_is_no_longer_an_operator(admin, team_a):
    other = services.add_user(actor=admin, values=_new_user(role=Role.ADMIN))
    services.update_user(actor=admin, user=other, values={"role": Role.SALES_REP})
    other.refresh_from_db()
    assert not (other.is_admin or other.is_staff or other.is_superuser)


def test_the_last_administrator_keeps_the_role(admin, rep_a):
    with pytest.raises(PeyvandError) as refused:
        services.update_user(actor=admin, user=admin, values={"role": Role.SALES_MANAGER})
    assert refused.value.code == "people.last_admin"
    admin.refresh_from_db()
    assert admin.is_admin
    services.update_user(actor=admin, user=rep_a, values={"role": Role.ADMIN})
    services.update_user(actor=admin, user=admin, values={"role": Role.SALES_MANAGER})  # now someone else is
    admin.refresh_from_db()
    assert not admin.is_admin


def test_the_intake_account_does_not_count_as_an_administrator(admin):
    from peyvand.leads.intake import intake_actor

    assert intake_actor().is_admin
    with pytest.raises(PeyvandError) as refused:
        services.update_user(actor=admin, user=admin, values={"role": Role.SALES_REP})
    assert refused.value.code == "people.last_admin"


def test_nobody_deactivates_themselves_nor_the_last_administrator(admin, rep_a):
    with pytest.raises(PeyvandError) as refused:
        services.set_user_active(actor=admin, user=admin, active=False)
    assert refused.value.code == "people.not_yourself"
    second = services.add_user(actor=admin, values=_new_user(role=Role.ADMIN))
    services.set_user_active(actor=second, user=admin, active=False)  # two administrators: allowed
    with pytest.raises(PeyvandError) as last:
        services.update_user(actor=second, user=second, values={"role": Role.SALES_REP})
    assert last.value.code == "people.last_admin"
    admin.refresh_from_db()
    assert not admin.is_active


def test_deactivating_ends_the_users_sessions_and_reactivating_lets_them_sign_in(admin):
    rep = UserFactory(username="nima", role=Role.SALES_REP)
    browser = _signed_in("nima")
    assert SignedInSession.objects.filter(user=rep).count() == 1

    services.set_user_active(actor=admin, user=rep, active=False)

    assert SignedInSession.objects.filter(user=rep).count() == 0
    assert browser.get("/").status_code == 302  # signed out on the next request
    assert _client().post("/login/", {"username": "nima", "password": PASSWORD}).status_code == 200  # refused
    entry = audit_for(rep).get()
    assert entry.changes == {"is_active": [True, False]} and entry.actor == admin

    services.set_user_active(actor=admin, user=rep, active=True)
    _signed_in("nima")


def test_deactivating_stops_the_users_api_tokens(admin, rep_a):
    key = services.issue_token(user=rep_a, name="script")
    assert services.user_for_token(key) == rep_a
    services.set_user_active(actor=admin, user=rep_a, active=False)
    assert services.user_for_token(key) is None


def test_an_administrator_resets_a_password_and_the_users_sessions_end(admin):
    rep = UserFactory(username="nima", role=Role.SALES_REP)
    browser = _signed_in("nima")
    with pytest.raises(ValidationFailed) as weak:
        services.reset_password(actor=admin, user=rep, password="nima")
    assert _error_fields(weak) == {"password"}
    services.reset_password(actor=admin, user=rep, password=NEW_PASSWORD)
    rep.refresh_from_db()
    assert rep.check_password(NEW_PASSWORD)
    assert browser.get("/").status_code == 302
    entry = audit_for(rep).get()
    assert entry.changes == {"password": ["", "reset"]}
    with pytest.raises(PeyvandError) as own:
        services.reset_password(actor=admin, user=admin, password=NEW_PASSWORD)
    assert own.value.code == "people.not_yourself"


def test_teams_are_made_renamed_and_audited(admin):
    team = services.save_team(actor=admin, values={"name": " Isfahan ", "city": "Isfahan"})
    assert (team.name, team.city) == ("Isfahan", "Isfahan")
    with pytest.raises(ValidationFailed) as taken:
        services.save_team(actor=admin, values={"name": "isfahan"})
    assert _error_fields(taken) == {"name"}
    with pytest.raises(ValidationFailed) as empty:
        services.save_team(actor=admin, team=team, values={"name": ""})
    assert _error_fields(empty) == {"name"}
    services.save_team(actor=admin, team=team, values={"name": "Isfahan South"})
    actions = [(e.action, e.changes.get("name")) for e in audit_for(team).order_by("at", "id")]
    assert actions == [("create", [None, "Isfahan"]), ("update", ["Isfahan", "Isfahan South"])]


def test_a_team_is_deleted_only_when_no_one_and_nothing_is_in_it(admin, team_b, rep_b, pipeline):
    with pytest.raises(PeyvandError) as members:
        services.delete_team(actor=admin, team=team_b)
    assert members.value.code == "team.not_empty" and "1 member" in str(members.value.message)
    services.update_user(actor=admin, user=rep_b, values={"team": ""})
    pipeline.team = team_b
    pipeline.save()
    with pytest.raises(PeyvandError) as used:
        services.delete_team(actor=admin, team=team_b)
    assert "rename it instead" in str(used.value.message)
    pipeline.team = None
    pipeline.save()
    team_id = team_b.pk
    services.delete_team(actor=admin, team=team_b)
    assert not Team.objects.filter(pk=team_id).exists()


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_hub_shows_both_people_sections_to_administrators_only(admin, manager_a, rep_a):
    assert {"users", "teams"} <= {s.key for s in sections_for(admin)}
    assert not {"users", "teams"} & {s.key for s in sections_for(manager_a)}
    assert not {"users", "teams"} & {s.key for s in sections_for(rep_a)}
    page = _client(admin).get("/settings/").content.decode()
    assert 'data-section="users"' in page and 'data-section="teams"' in page


def test_the_list_shows_each_user_and_finds_them_by_name(admin, rep_a, rep_b):
    services.update_user(actor=admin, user=rep_b, values={"first_name": "Leila", "last_name": "Ahmadi"})
    client = _client(admin)
    page = client.get("/settings/users/").content.decode()
    assert 'data-user="rep_a"' in page and 'data-user="rep_b"' in page and "Leila Ahmadi" in page
    assert "never" in page  # rep_b never signed in
    found = client.get("/settings/users/", {"search": "leila ahm"}).content.decode()
    assert 'data-user="rep_b"' in found and 'data-user="rep_a"' not in found
    services.set_user_active(actor=admin, user=rep_a, active=False)
    active = client.get("/settings/users/").content.decode()
    assert 'data-user="rep_a"' not in active
    inactive = client.get("/settings/users/", {"status": "inactive"}).content.decode()
    assert 'data-user="rep_a"' in inactive and 'data-user="rep_b"' not in inactive


def test_an_administrator_adds_a_user_over_http(admin, team_a):
    client = _client(admin)
    assert client.get("/settings/users/new/").status_code == 200
    response = client.post("/settings/users/new/", _new_user(team=str(team_a.pk)))
    assert response.status_code == 302 and response["Location"] == "/settings/users/"
    user = User.objects.get(username="sara.k")
    assert user.team == team_a and user.check_password(NEW_PASSWORD)
    assert "Sara Karimi is added" in client.get("/settings/users/").content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "This password is too short"), ("fa", "این رمز عبور خیلی کوتاه است")],
)
def test_a_refused_password_is_shown_on_its_field_and_the_other_values_are_kept(admin, language, expected):
    response = _client(admin, language).post("/settings/users/new/", _new_user(password="short1"))
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split('id="password-error"', 1)[1].split("</div>", 1)[0]
    assert expected in error
    assert 'value="sara.k"' in page and 'value="software, industrial"' in page
    assert not User.objects.filter(username="sara.k").exists()


def test_an_administrator_edits_a_user_over_http(admin, rep_a, team_b):
    client = _client(admin)
    page = client.get(f"/settings/users/{rep_a.pk}/").content.decode()
    assert 'value="rep_a"' in page
    values = _new_user(username="rep_a", team=str(team_b.pk), languages="fa")
    values.pop("password")
    assert client.post(f"/settings/users/{rep_a.pk}/", values).status_code == 302
    rep_a.refresh_from_db()
    assert rep_a.team == team_b and rep_a.languages == ["fa"] and rep_a.first_name == "Sara"
    refused = client.post(f"/settings/users/{rep_a.pk}/", {**values, "email": "nope"})
    assert refused.status_code == 400 and 'id="email-error"' in refused.content.decode()


def test_deactivating_over_http_signs_the_user_out_and_self_deactivation_is_explained(admin):
    rep = UserFactory(username="nima", role=Role.SALES_REP)
    browser = _signed_in("nima")
    client = _client(admin)
    assert client.post(f"/settings/users/{rep.pk}/active/", {"active": "0"}).status_code == 302
    assert browser.get("/").status_code == 302
    refused = client.post(f"/settings/users/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate yourself" in refused.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_removing_the_last_administrators_role_is_refused_with_a_clear_message(admin):
    values = {"username": "admin", "role": Role.SALES_REP, "team": str(admin.team_id)}
    response = _client(admin).post(f"/settings/users/{admin.pk}/", values)
    assert response.status_code == 400
    assert "is the only administrator; make someone else an administrator first" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_an_administrator_resets_a_password_over_http(admin, rep_a):
    client = _client(admin)
    weak = client.post(f"/settings/users/{rep_a.pk}/password/", {"password": "password"})
    assert weak.status_code == 400 and "This password is too common" in weak.content.decode()
    assert client.post(f"/settings/users/{rep_a.pk}/password/", {"password": NEW_PASSWORD}).status_code == 302
    rep_a.refresh_from_db()
    assert rep_a.check_password(NEW_PASSWORD)


def test_the_system_account_is_not_listed_nor_editable(admin):
    from peyvand.leads.intake import intake_actor

    intake = intake_actor()
    client = _client(admin)
    assert 'data-user="peyvand-intake"' not in client.get("/settings/users/?status=all").content.decode()
    assert client.get(f"/settings/users/{intake.pk}/").status_code == 404


def test_teams_page_counts_members_and_refuses_to_delete_a_team_with_people(admin, team_a, team_b, rep_b):
    client = _client(admin)
    page = client.get("/settings/teams/").content.decode()
    row = page.split(f'data-team="{team_b.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="member-count">1<' in row
    assert client.post("/settings/teams/", {"name": "Tabriz", "city": "Tabriz"}).status_code == 302
    assert Team.objects.filter(name="Tabriz").exists()
    taken = client.post("/settings/teams/", {"name": "tabriz"})
    assert taken.status_code == 400 and 'id="name-error"' in taken.content.decode()
    refused = client.post(f"/settings/teams/{team_b.pk}/delete/", follow=True)
    assert "has 1 member; move them to another team first" in refused.content.decode()
    assert Team.objects.filter(pk=team_b.pk).exists()
    tabriz = Team.objects.get(name="Tabriz")
    assert (
        client.post(f"/settings/teams/{tabriz.pk}/", {"name": "Tabriz North", "city": ""}).status_code == 302
    )
    assert client.post(f"/settings/teams/{tabriz.pk}/delete/").status_code == 302
    assert not Team.objects.filter(pk=tabriz.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/settings/users/",
        "/settings/users/new/",
        "/settings/users/{rep}/",
        "/settings/users/{rep}/password/",
        "/settings/teams/",
        "/settings/teams/{team}/",
    ],
)
def test_managers_and_reps_get_403_on_every_people_page(manager_a, rep_a, team_a, url):
    url = url.format(rep=rep_a.pk, team=team_a.pk)
    for who in (manager_a, rep_a):
        client = _client(who)
        assert client.get(url).status_code == 403
        assert client.post(url, _new_user(name="X")).status_code == 403
    assert not User.objects.filter(username="sara.k").exists()


def test_managers_and_reps_cannot_deactivate_or_delete(manager_a, rep_a, team_b):
    for who in (manager_a, rep_a):
        client = _client(who)
        assert client.post(f"/settings/users/{rep_a.pk}/active/", {"active": "0"}).status_code == 403
        assert client.post(f"/settings/teams/{team_b.pk}/delete/").status_code == 403
    rep_a.refresh_from_db()
    assert rep_a.is_active and Team.objects.filter(pk=team_b.pk).exists()


def test_reactivating_over_http_lets_the_user_sign_in_again(admin):
    rep = UserFactory(username="nima", role=Role.SALES_REP)
    client = _client(admin)
    client.post(f"/settings/users/{rep.pk}/active/", {"active": "0"})
    page = client.get(f"/settings/users/{rep.pk}/").content.decode()
    assert 'id="reactivate"' in page and 'id="deactivate"' not in page
    response = client.post(f"/settings/users/{rep.pk}/active/", {"active": "1"}, follow=True)
    assert "nima is active again" in response.content.decode()
    _signed_in("nima")
    assert [e.changes for e in audit_for(rep).order_by("at", "id")] == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_the_lists_make_as_many_queries_for_many_people_as_for_few(admin, team_a, team_b):
    client = _client(admin)

    def queries(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries("/settings/users/"), queries("/settings/teams/")
    for n in range(12):
        UserFactory(username=f"seller{n}", team=team_a if n % 2 else team_b)
        Team.objects.create(name=f"Branch {n}")
    assert (queries("/settings/users/"), queries("/settings/teams/")) == few


def test_an_administrator_who_gives_up_the_role_lands_on_the_home_page(admin, rep_a):
    services.update_user(actor=admin, user=rep_a, values={"role": Role.ADMIN})
    client = _client(admin)
    values = {"username": "admin", "role": Role.SALES_MANAGER, "team": str(admin.team_id)}
    response = client.post(f"/settings/users/{admin.pk}/", values)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/settings/users/").status_code == 403
