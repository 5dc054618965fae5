"""The knowledge base's staff pages through HTTP: the article list, record page (its text, direction, revisions
and buttons), the form, publish/archive/restore, and the settings page of categories."""

import pytest
from django.test import Client

from peyvand.core.audit import audit_for
from peyvand.service import services_kb
from peyvand.service.models import Article, ArticleCategory
from tests.service.kb_factories import agent, article

pytestmark = pytest.mark.django_db


def signed_in(user, language="en"):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_list_record_page_and_form_open_for_an_agent(team_a, language):
    writer = agent(team_a)
    made = article(writer, title="راهنمای چاپگر")
    client = signed_in(writer, language)
    for url in ("/articles/", f"/articles/{made.pk}/", "/articles/new/", f"/articles/{made.pk}/edit/"):
        page = client.get(url)
        assert page.status_code == 200, url
    assert "راهنمای چاپگر" in client.get("/articles/").content.decode()


def test_the_record_page_shows_the_text_with_its_lines_and_direction(team_a):
    writer = agent(team_a)
    persian = article(writer, title="فارسی", body="خط یک\nخط دو <b>x</b>")
    english = article(writer, title="English", body="Line one\nLine two", language="en")
    html = signed_in(writer).get(f"/articles/{persian.pk}/").content.decode()
    assert (
        '<div class="article-text" id="article-text" dir="rtl" lang="fa">خط یک<br>خط دو &lt;b&gt;x&lt;/b&gt;</div>'
        in html
    )
    html = signed_in(writer, "fa").get(f"/articles/{english.pk}/").content.decode()
    assert 'id="article-text" dir="ltr" lang="en">Line one<br>Line two</div>' in html


def test_an_agent_writes_an_article_through_the_form_and_publishes_it(team_a):
    writer = agent(team_a)
    client = signed_in(writer)
    answer = client.post(
        "/articles/new/",
        {
            "title": "Reset a password",
            "body": "One\r\nTwo",
            "kind": "how_to",
            "audience": "public",
            "language": "en",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    made = Article.objects.get(title="Reset a password")
    assert made.body == "One\nTwo" and made.status == "draft"
    assert client.post(f"/articles/{made.pk}/action/publish/").status_code == 302
    made.refresh_from_db()
    assert made.status == "published"
    html = client.get(f"/articles/{made.pk}/").content.decode()
    assert 'id="article-on-help"' in html and 'id="publish-article"' not in html
    assert client.post(f"/articles/{made.pk}/action/archive/").status_code == 302
    assert Article.objects.get(pk=made.pk).status == "archived"
    assert client.post(f"/articles/{made.pk}/action/explode/").status_code == 404


def test_revisions_are_listed_and_one_is_restored_from_the_page(team_a):
    writer = agent(team_a)
    made = article(writer, title="عنوان", body="نسخه یک")
    services_kb.update_article(actor=writer, article=made, version=made.version, values={"body": "نسخه دو"})
    client = signed_in(writer)
    html = client.get(f"/articles/{made.pk}/").content.decode()
    assert 'data-number="1"' in html and "نسخه یک" in html and "Restore this text" in html
    assert client.post(f"/articles/{made.pk}/revisions/1/restore/").status_code == 302
    assert Article.objects.get(pk=made.pk).body == "نسخه یک"


def test_a_sales_rep_reads_but_gets_no_buttons_and_is_refused_writing(team_a, rep_a):
    made = article(agent(team_a))
    client = signed_in(rep_a)
    html = client.get(f"/articles/{made.pk}/").content.decode()
    assert 'id="publish-article"' not in html and "restore-revision" not in html
    answer = client.post(f"/articles/{made.pk}/action/publish/", follow=True)
    assert "Only support staff" in answer.content.decode()
    assert Article.objects.get(pk=made.pk).status == "draft"
    assert client.get("/articles/new/").status_code == 403


def test_the_settings_page_of_categories_is_an_administrators(admin, manager_a):
    assert signed_in(manager_a).get("/settings/knowledge-base/categories/").status_code == 403
    client = signed_in(admin)
    assert client.get("/settings/knowledge-base/categories/").status_code == 200
    assert "Knowledge base categories" in client.get("/settings/").content.decode()
    assert (
        client.post("/settings/knowledge-base/categories/", {"name": "حساب", "position": "1"}).status_code
        == 302
    )
    category = ArticleCategory.objects.get(name="حساب")
    assert audit_for(category).first().action == "create"
    taken = client.post("/settings/knowledge-base/categories/", {"name": "حساب"})
    assert taken.status_code == 400 and "Another category already has this name." in taken.content.decode()
    assert (
        client.post(
            f"/settings/knowledge-base/categories/{category.pk}/", {"name": "پرداخت", "position": "2"}
        ).status_code
        == 302
    )
    assert ArticleCategory.objects.get(pk=category.pk).name == "پرداخت"
    assert client.post(f"/settings/knowledge-base/categories/{category.pk}/delete/").status_code == 302
    assert not ArticleCategory.objects.exists()
