"""The public help centre, /help/ (service/views_help.py): no sign-in, only public published articles, the
visitor's language first, and "Was this helpful?" counted once per visitor."""

import pytest
from django.test import Client

from peyvand.service import services_kb
from peyvand.service.models import Article
from tests.service.kb_factories import agent, article

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(team_a):
    return agent(team_a)


@pytest.fixture
def kb(writer, admin):
    category = services_kb.save_article_category(actor=admin, values={"name": "حساب کاربری"})
    return {
        "public": article(
            writer,
            title="بازیابی رمز",
            body="خط یک\nخط دو",
            audience="public",
            publish=True,
            category=category.pk,
        ),
        "english": article(
            writer, title="Password recovery", body="Open", language="en", audience="public", publish=True
        ),
        "internal": article(writer, title="رمز سرور داخلی", audience="internal", publish=True),
        "draft": article(writer, title="رمز پیش‌نویس", audience="public"),
        "category": category,
    }


def test_an_anonymous_visitor_sees_only_public_published_articles(kb):
    client = Client()
    html = client.get("/help/").content.decode()
    assert "بازیابی رمز" in html and "Password recovery" in html
    assert "رمز سرور داخلی" not in html and "رمز پیش‌نویس" not in html
    searched = client.get("/help/", {"q": "رمز"}).content.decode()
    assert "بازیابی رمز" in searched and "رمز سرور داخلی" not in searched and "رمز پیش‌نویس" not in searched
    assert client.get(f"/help/{kb['public'].pk}/").status_code == 200
    for hidden in ("internal", "draft"):
        assert client.get(f"/help/{kb[hidden].pk}/").status_code == 404
        assert client.post(f"/help/{kb[hidden].pk}/", {"helpful": "yes"}).status_code == 404


def test_the_visitors_language_comes_first(kb):
    persian = Client().get("/help/").content.decode()
    assert persian.index("بازیابی رمز") < persian.index("Password recovery")
    client = Client()
    client.cookies["django_language"] = "en"
    english = client.get("/help/").content.decode()
    assert english.index("Password recovery") < english.index("بازیابی رمز")
    assert "Was this helpful?" in client.get(f"/help/{kb['english'].pk}/").content.decode()


def test_search_with_arabic_letters_finds_the_persian_article(kb):
    html = Client().get("/help/", {"q": "بازيابي"}).content.decode()  # Arabic ي
    assert f'href="/help/{kb["public"].pk}/"' in html


def test_categories_list_and_filter_the_articles(kb):
    client = Client()
    home = client.get("/help/").content.decode()
    assert f"?category={kb['category'].pk}" in home
    listed = client.get("/help/", {"category": kb["category"].pk}).content.decode()
    assert "بازیابی رمز" in listed and "Password recovery" not in listed
    assert client.get("/help/", {"category": "bad"}).status_code == 200


def test_the_article_page_keeps_lines_and_its_direction(kb):
    html = Client().get(f"/help/{kb['public'].pk}/").content.decode()
    assert 'id="help-text" dir="rtl" lang="fa">خط یک<br>خط دو</div>' in html
    html = Client().get(f"/help/{kb['english'].pk}/").content.decode()
    assert 'id="help-text" dir="ltr" lang="en">Open</div>' in html


def test_feedback_is_counted_once_per_visitor(kb):
    pk = kb["public"].pk
    visitor = Client()
    page = visitor.get(f"/help/{pk}/")
    assert 'name="helpful" value="yes"' in page.content.decode()
    answered = visitor.post(f"/help/{pk}/", {"helpful": "yes"})
    assert answered.status_code == 302 and answered["Location"] == f"/help/{pk}/#feedback"
    assert visitor.post(f"/help/{pk}/", {"helpful": "yes"}).status_code == 302
    assert visitor.post(f"/help/{pk}/", {"helpful": "no"}).status_code == 302
    after = visitor.get(f"/help/{pk}/").content.decode()
    assert 'id="feedback-thanks"' in after and 'name="helpful"' not in after
    Client().post(f"/help/{pk}/", {"helpful": "no"})  # another visitor
    counted = Article.objects.get(pk=pk)
    assert (counted.helpful_yes, counted.helpful_no) == (1, 1)


def test_feedback_needs_the_csrf_token_and_a_yes_or_no(kb):
    pk = kb["public"].pk
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/help/{pk}/", {"helpful": "yes"}).status_code == 403
    assert Client().post(f"/help/{pk}/", {"helpful": "maybe"}).status_code == 422
    assert Article.objects.get(pk=pk).helpful_yes == 0


def test_unknown_and_deleted_articles_are_404(kb, writer):
    client = Client()
    assert client.get("/help/999999/").status_code == 404
    services_kb.delete_article(actor=writer, article=kb["public"])
    assert client.get(f"/help/{kb['public'].pk}/").status_code == 404


def test_a_visitor_chooses_english_by_the_link_and_the_choice_is_kept(kb):
    client = Client()
    assert "مرکز راهنما" in client.get("/help/").content.decode()
    chosen = client.get("/help/", {"lang": "en"})
    html = chosen.content.decode()
    assert "Help centre" in html and html.index("Password recovery") < html.index("بازیابی رمز")
    assert chosen.cookies["django_language"].value == "en"
    assert "Was this helpful?" in client.get(f"/help/{kb['public'].pk}/").content.decode()
