"""The knowledge base's reads: search in Persian-normalised text, what customers may find, ranking, and the
articles suggested for a ticket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peyvand.service import selectors_kb, services_kb
from peyvand.service.models import Article
from tests.service.kb_factories import agent, article

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(team_a):
    return agent(team_a)


def ids(articles):
    return [a.pk for a in articles]


@pytest.mark.parametrize(
    "typed",
    [
        "تیکت",  # Persian ی and ک
        "تيكت",  # Arabic ي and ك
        "تيکت",
        "تیكت",
    ],
)
def test_arabic_and_persian_yeh_and_kaf_find_the_same_article(writer, typed):
    made = article(writer, title="ثبت تیکت تازه", body="راهنما", audience="public", publish=True)
    assert ids(selectors_kb.search_articles(typed, public_only=True)) == [made.pk]


def test_a_body_written_with_arabic_letters_is_found_with_persian_ones(writer):
    made = article(writer, title="راهنما", body="كد پيگيري را وارد کنید", audience="public", publish=True)
    assert ids(selectors_kb.search_articles("کد پیگیری", public_only=True)) == [made.pk]


@pytest.mark.parametrize("typed", ["خطای 404", "خطای ۴۰۴", "خطای ٤٠٤"])
def test_persian_arabic_and_latin_digits_find_the_same_article(writer, typed):
    made = article(writer, title="خطای ۴۰۴ در ورود", body="...", audience="public", publish=True)
    assert ids(selectors_kb.search_articles(typed, public_only=True)) == [made.pk]


@pytest.mark.parametrize("typed", ["می\u200cشود", "می شود"])
def test_a_word_with_or_without_zwnj_finds_the_same_article(writer, typed):
    made = article(writer, title="پرداخت انجام نمی\u200cشود", body="...", audience="public", publish=True)
    assert ids(selectors_kb.search_articles(typed, public_only=True)) == [made.pk]


def test_internal_articles_are_never_in_the_public_search_but_staff_find_them(writer):
    internal = article(writer, title="تخفیف ویژه همکاران", audience="internal", publish=True)
    assert selectors_kb.search_articles("تخفیف", public_only=True) == []
    assert ids(selectors_kb.search_articles("تخفیف", public_only=False)) == [internal.pk]


def test_drafts_and_archived_articles_are_never_public(writer):
    draft = article(writer, title="بازگشت کالا", audience="public")
    archived = article(writer, title="بازگشت وجه", audience="public", publish=True)
    services_kb.archive_article(actor=writer, article=archived)
    assert selectors_kb.search_articles("بازگشت", public_only=True) == []
    assert selectors_kb.help_articles(language="fa") == []
    assert selectors_kb.public_article(draft.pk) is None
    assert set(ids(selectors_kb.search_articles("بازگشت", public_only=False))) == {draft.pk, archived.pk}


def test_deleted_articles_are_found_by_no_one(writer):
    made = article(writer, title="حذف شده", audience="public", publish=True)
    services_kb.delete_article(actor=writer, article=made)
    assert selectors_kb.search_articles("حذف", public_only=True) == []
    assert selectors_kb.search_articles("حذف", public_only=False) == []


def test_matches_in_the_title_come_before_matches_in_the_text(writer):
    in_body = article(
        writer, title="آ راهنمای کلی", body="برای فاکتور رسمی ...", audience="public", publish=True
    )
    in_title = article(writer, title="ی فاکتور رسمی", body="متن", audience="public", publish=True)
    found = selectors_kb.search_articles("فاکتور", public_only=True)
    assert ids(found) == [in_title.pk, in_body.pk]
    assert found[0].title_hits == 1 and found[1].title_hits == 0


def test_every_word_must_be_found_and_the_visitors_language_comes_first(writer):
    english = article(
        writer, title="Reset password", body="Open settings", language="en", audience="public", publish=True
    )
    persian = article(
        writer, title="Reset password راهنما", body="...", language="fa", audience="public", publish=True
    )
    article(writer, title="Password policy", body="...", language="en", audience="public", publish=True)
    assert ids(selectors_kb.search_articles("RESET password", public_only=True, language="en")) == [
        english.pk,
        persian.pk,
    ]
    assert ids(selectors_kb.search_articles("reset password", public_only=True, language="fa")) == [
        persian.pk,
        english.pk,
    ]


def test_search_is_one_query_and_an_empty_one_finds_nothing(writer):
    for n in range(5):
        article(writer, title=f"مقاله {n}", audience="public", publish=True)
    with CaptureQueriesContext(connection) as queries:
        found = selectors_kb.search_articles("مقاله", public_only=True, limit=3)
        [a.category for a in found]
    assert len(found) == 3 and len(queries) == 1
    assert selectors_kb.search_articles("  ", public_only=True) == []


def test_the_help_centre_lists_the_visitors_language_first(writer):
    english = article(writer, title="Shipping", language="en", audience="public", publish=True)
    persian = article(writer, title="ارسال", language="fa", audience="public", publish=True)
    assert ids(selectors_kb.help_articles(language="en")) == [english.pk, persian.pk]
    assert ids(selectors_kb.help_articles(language="fa")) == [persian.pk, english.pk]


def test_ticket_words_drop_stop_words_short_words_and_repeats():
    words = selectors_kb.ticket_words("سلام، لطفا پرینتر من چاپ نمی‌کند. پرینتر HP در دفتر 12 The printer")
    assert words == ["پرینتر", "چاپ", "دفتر", "printer"]  # نمی and کند (of نمی‌کند) are stop words


def test_suggestions_are_ranked_by_how_many_words_match_in_one_query(writer):
    both = article(writer, title="پرینتر چاپ نمی‌کند", body="کاغذ را بررسی کنید", publish=True)
    one = article(writer, title="نصب پرینتر", body="درایور", publish=True)
    article(writer, title="پرینتر و چاپ و کاغذ", body="پیش‌نویس", publish=False)  # a draft: never suggested
    article(writer, title="رمز عبور", body="...", publish=True)
    with CaptureQueriesContext(connection) as queries:
        found = selectors_kb.suggest_articles("سلام، پرینتر ما چاپ نمی‌کند و کاغذ گیر کرده")
    assert len(queries) == 1
    assert ids(found) == [both.pk, one.pk]
    assert found[0].hits > found[1].hits


def test_suggestions_for_text_of_stop_words_only_make_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert selectors_kb.suggest_articles("سلام، لطفا پیگیری کنید. thanks") == []
    assert len(queries) == 0


def test_every_active_member_of_staff_sees_every_article_and_no_one_else(writer, rep_b):
    made = article(writer)
    assert ids(selectors_kb.articles_visible_to(rep_b)) == [made.pk]
    rep_b.is_active = False
    assert not selectors_kb.articles_visible_to(rep_b).exists()
    assert Article.objects.count() == 1
