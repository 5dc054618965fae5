"""The knowledge base over HTTP: articles through the generic routes and their own (publish, archive, revisions,
restore a revision, search), for each role; articles are the whole staff's, so another team reads them too."""

import pytest

from tests.service.kb_factories import agent

pytestmark = pytest.mark.django_db

BODY = {"title": "تغییر رمز عبور", "body": "خط یک\nخط دو", "audience": "public", "language": "fa"}


def test_support_staff_write_articles_everyone_reads_them_and_reps_cannot_change_them(
    api_for, team_a, rep_a, rep_b, manager_a, admin
):
    writer = api_for(agent(team_a))
    created = writer.post("/articles", BODY)
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert (body["status"], body["body"], body["helpful_yes"]) == ("draft", "خط یک\nخط دو", 0)
    for reader in (rep_a, rep_b):  # another team's rep too: the knowledge base is the whole staff's
        assert api_for(reader).get(f"/articles/{pk}").status_code == 200
        assert [a["id"] for a in api_for(reader).get("/articles", search="رمز").json()["items"]] == [pk]
        assert api_for(reader).get(f"/articles/{pk}/audit").status_code == 200
        assert api_for(reader).get(f"/articles/{pk}/revisions").json() == []
    assert api_for(rep_a).post("/articles", BODY).status_code == 403
    assert api_for(rep_a).patch(f"/articles/{pk}", {"version": 1, "title": "x"}).status_code == 403
    assert api_for(rep_b).post(f"/articles/{pk}/publish").status_code == 403
    assert api_for(rep_b).delete(f"/articles/{pk}", version=1).status_code == 403
    assert api_for(manager_a).patch(f"/articles/{pk}", {"version": 1, "kind": "how_to"}).status_code == 200
    assert api_for(admin).post("/articles", BODY).status_code == 201


def test_publish_archive_revisions_and_restore_over_http(api_for, team_a, rep_a):
    api = api_for(agent(team_a))
    pk = api.post("/articles", BODY).json()["id"]
    published = api.post(f"/articles/{pk}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    changed = api.patch(f"/articles/{pk}", {"version": published.json()["version"], "body": "متن تازه"})
    assert changed.status_code == 200, changed.content
    revisions = api_for(rep_a).get(f"/articles/{pk}/revisions").json()
    assert [(r["number"], r["body"], r["author"]) for r in revisions] == [(1, "خط یک\nخط دو", "agent")]
    restored = api.post(f"/articles/{pk}/revisions/1/restore")
    assert restored.status_code == 200 and restored.json()["body"] == "خط یک\nخط دو"
    assert [r["number"] for r in api.get(f"/articles/{pk}/revisions").json()] == [2, 1]
    assert api.post(f"/articles/{pk}/revisions/7/restore").status_code == 404
    assert api_for(rep_a).post(f"/articles/{pk}/revisions/1/restore").status_code == 403
    archived = api.post(f"/articles/{pk}/archive")
    assert archived.json()["status"] == "archived"
    assert api.post("/articles/999999/publish").status_code == 404


def test_search_finds_arabic_letters_ranks_titles_first_and_keeps_customers_to_public_articles(
    api_for, team_a, rep_b
):
    api = api_for(agent(team_a))
    in_title = api.post("/articles", {**BODY, "title": "کد تخفیف"}).json()["id"]
    in_body = api.post("/articles", {**BODY, "title": "راهنما", "body": "کد تخفیف را بنویسید"}).json()["id"]
    internal = api.post("/articles", {**BODY, "title": "کد تخفیف همکاران", "audience": "internal"}).json()[
        "id"
    ]
    for pk in (in_title, in_body, internal):
        api.post(f"/articles/{pk}/publish")
    found = api_for(rep_b).get("/articles/search", q="كد تخفيف")  # Arabic ك and ي
    assert found.status_code == 200
    hits = found.json()
    assert [h["id"] for h in hits][2:] == [in_body] and set(h["id"] for h in hits[:2]) == {in_title, internal}
    assert [h["title_match"] for h in hits] == [True, True, False]
    public = api_for(rep_b).get("/articles/search", q="كد تخفيف", public_only="true").json()
    assert [h["id"] for h in public] == [in_title, in_body]


def test_bad_input_is_a_clear_422_naming_the_field(api_for, team_a):
    api = api_for(agent(team_a))
    for body, field in (
        ({**BODY, "language": "de"}, "language"),
        ({**BODY, "audience": "everyone"}, "audience"),
        ({**BODY, "title": ""}, "title"),
        ({**BODY, "category": 999999}, "category"),
        ({**BODY, "body": "x" * 100_001}, "body"),
    ):
        answer = api.post("/articles", body)
        assert answer.status_code == 422, (field, answer.content)
        assert field in str(answer.json()["errors"]), answer.json()
    assert api.get("/articles/search", q="x" * 201).status_code == 422
    assert api.get("/articles/search", q="x", limit=0).status_code == 422
    assert api.get("/articles/search", q="x", language="de").status_code == 422


def test_lists_filter_by_status_and_audience(api_for, team_a):
    api = api_for(agent(team_a))
    draft = api.post("/articles", BODY).json()["id"]
    published = api.post("/articles", {**BODY, "title": "دیگر"}).json()["id"]
    api.post(f"/articles/{published}/publish")
    assert [a["id"] for a in api.get("/articles", status="draft").json()["items"]] == [draft]
    assert [a["id"] for a in api.get("/articles", status="published", audience="public").json()["items"]] == [
        published
    ]


def test_without_a_token_every_article_route_is_401(client, team_a):
    for method, path in (
        ("get", "/api/v1/articles"),
        ("get", "/api/v1/articles/search?q=x"),
        ("post", "/api/v1/articles/1/publish"),
        ("get", "/api/v1/articles/1/revisions"),
    ):
        assert getattr(client, method)(path).status_code == 401


def test_only_an_administrator_restores_an_article_and_everyone_reads_its_audit(
    api_for, team_a, admin, manager_a, rep_b
):
    writer = api_for(agent(team_a))
    pk = writer.post("/articles", BODY).json()["id"]
    assert [e["action"] for e in api_for(rep_b).get(f"/articles/{pk}/audit").json()] == ["create"]
    assert writer.delete(f"/articles/{pk}", version=1).status_code == 204
    assert api_for(rep_b).get(f"/articles/{pk}").status_code == 404
    assert api_for(manager_a).post(f"/articles/{pk}/restore").status_code == 403
    assert api_for(admin).post(f"/articles/{pk}/restore").status_code == 200
    assert api_for(rep_b).get(f"/articles/{pk}").status_code == 200
