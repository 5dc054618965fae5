"""The knowledge base's writes: articles over the record write path, their revisions, publishing, the readers'
"was this helpful?" and the categories (settings rows, audited)."""

import threading

import pytest
from django.db import connection, connections

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.core.records import delete_record
from peyvand.service import services_kb
from peyvand.service.models import Article, ArticleCategory, ArticleRevision
from tests.service.kb_factories import agent, article

pytestmark = pytest.mark.django_db


def test_an_agent_writes_a_draft_that_is_audited_and_searchable(team_a):
    writer = agent(team_a)
    made = article(writer, title="نصب  چاپگر", body="مرحله یک\r\nمرحله دو\r\n\r\n")
    assert made.status == "draft" and made.owner == writer and made.team_id == team_a.pk
    assert made.title == "نصب چاپگر"  # spacing tidied
    assert made.body == "مرحله یک\nمرحله دو"  # one kind of line break, no trailing blank lines
    assert audit_for(made).first().action == "create"
    assert made.search_text.startswith("نصب چاپگر ")


def test_sales_reps_read_but_do_not_write_articles(rep_a, manager_a, admin):
    with pytest.raises(PeyvandError) as refused:
        article(rep_a)
    assert refused.value.status == 403 and refused.value.code == "article.write_forbidden"
    made = article(manager_a)
    with pytest.raises(PeyvandError):
        services_kb.update_article(actor=rep_a, article=made, version=made.version, values={"title": "x"})
    with pytest.raises(PeyvandError) as refused:
        delete_record(made, actor=rep_a)
    assert refused.value.status == 403
    assert article(admin).pk


def test_each_change_of_title_or_text_keeps_the_earlier_text_as_the_next_revision(team_a):
    writer = agent(team_a)
    made = article(writer, title="اول", body="متن اول")
    made = services_kb.update_article(
        actor=writer, article=made, version=made.version, values={"body": "متن دوم"}
    )
    made = services_kb.update_article(
        actor=writer, article=made, version=made.version, values={"title": "دوم"}
    )
    # a change of something else keeps no revision
    made = services_kb.update_article(
        actor=writer, article=made, version=made.version, values={"kind": "how_to"}
    )
    revisions = list(ArticleRevision.objects.filter(article=made).order_by("number"))
    assert [(r.number, r.title, r.body) for r in revisions] == [(1, "اول", "متن اول"), (2, "اول", "متن دوم")]
    assert all(r.author == writer for r in revisions)
    assert (made.title, made.body, made.kind) == ("دوم", "متن دوم", "how_to")


def test_a_stale_version_changes_nothing_and_keeps_no_revision(team_a):
    writer = agent(team_a)
    made = article(writer)
    with pytest.raises(PeyvandError):
        services_kb.update_article(
            actor=writer, article=made, version=made.version + 5, values={"body": "نو"}
        )
    assert not ArticleRevision.objects.exists()
    assert Article.objects.get(pk=made.pk).body == made.body


def test_restoring_a_revision_brings_its_text_back_and_keeps_the_replaced_one(team_a):
    writer = agent(team_a)
    made = article(writer, title="عنوان", body="نسخه یک")
    made = services_kb.update_article(
        actor=writer, article=made, version=made.version, values={"body": "نسخه دو"}
    )
    restored = services_kb.restore_revision(actor=writer, article=made, number=1)
    assert restored.body == "نسخه یک"
    assert list(ArticleRevision.objects.filter(article=made).values_list("number", "body")) == [
        (2, "نسخه دو"),
        (1, "نسخه یک"),
    ]
    assert "Revision 1 restored" in audit_for(restored).first().note
    with pytest.raises(PeyvandError) as refused:
        services_kb.restore_revision(actor=writer, article=restored, number=9)
    assert refused.value.status == 404


def test_publish_and_archive_change_the_status_and_are_audited(team_a, rep_a):
    writer = agent(team_a)
    made = article(writer)
    made = services_kb.publish_article(actor=writer, article=made)
    assert made.status == "published"
    assert audit_for(made).first().changes == {"status": ["draft", "published"]}
    made = services_kb.archive_article(actor=writer, article=made)
    assert Article.objects.get(pk=made.pk).status == "archived"
    with pytest.raises(PeyvandError):
        services_kb.publish_article(actor=rep_a, article=made)


def test_a_bad_category_or_an_empty_text_is_a_field_error(team_a):
    writer = agent(team_a)
    with pytest.raises(PeyvandError) as refused:
        article(writer, category=999999)
    assert refused.value.errors[0]["field"] == "category"
    with pytest.raises(PeyvandError) as refused:
        article(writer, body="   \n ")
    assert refused.value.errors[0]["field"] == "body"
    with pytest.raises(PeyvandError) as refused:
        article(writer, language="de")
    assert refused.value.errors[0]["field"] == "language"


def test_feedback_is_counted_on_public_published_articles_only(team_a):
    writer = agent(team_a)
    public = article(writer, audience="public", publish=True)
    services_kb.record_feedback(article=public, helpful=True)
    services_kb.record_feedback(article=public, helpful=True)
    services_kb.record_feedback(article=public, helpful=False)
    public.refresh_from_db()
    assert (public.helpful_yes, public.helpful_no) == (2, 1)
    for hidden in (article(writer, audience="internal", publish=True), article(writer, audience="public")):
        with pytest.raises(PeyvandError) as refused:
            services_kb.record_feedback(article=hidden, helpful=True)
        assert refused.value.status == 404


def test_feedback_once_counts_a_visitor_once_per_article(team_a):
    writer = agent(team_a)
    first = article(writer, title="یک", audience="public", publish=True)
    second = article(writer, title="دو", audience="public", publish=True)
    session: dict = {}
    assert services_kb.feedback_once(session=session, article=first, helpful=True)
    assert not services_kb.feedback_once(session=session, article=first, helpful=False)
    assert services_kb.feedback_once(session=session, article=second, helpful=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.helpful_yes, first.helpful_no, second.helpful_no) == (1, 0, 1)
    # another visitor (another session) counts again
    assert services_kb.feedback_once(session={}, article=first, helpful=True)


@pytest.mark.django_db(transaction=True)
def test_answers_at_the_same_moment_are_all_counted(team_a):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time; the race is PostgreSQL's")
    writer = agent(team_a)
    public = article(writer, audience="public", publish=True)
    barrier = threading.Barrier(4)

    def answer():
        barrier.wait()
        services_kb.record_feedback(article=public, helpful=True)
        connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    public.refresh_from_db()
    assert public.helpful_yes == 4


def test_only_administrators_keep_the_categories_and_each_change_is_audited(admin, manager_a):
    with pytest.raises(PeyvandError) as refused:
        services_kb.save_article_category(actor=manager_a, values={"name": "حساب"})
    assert refused.value.status == 403
    made = services_kb.save_article_category(actor=admin, values={"name": "حساب", "position": "۲"})
    assert made.position == 2
    assert audit_for(made).first().action == "create"
    services_kb.save_article_category(
        actor=admin, category=made, values={"name": "حساب کاربری", "position": 2}
    )
    assert audit_for(made).first().changes == {"name": ["حساب", "حساب کاربری"]}
    with pytest.raises(PeyvandError) as refused:
        services_kb.save_article_category(actor=admin, values={"name": "حساب کاربری"})
    assert refused.value.errors[0]["field"] == "name"


def test_deleting_a_category_keeps_its_articles_uncategorised(admin, team_a):
    category = services_kb.save_article_category(actor=admin, values={"name": "پرداخت"})
    made = article(agent(team_a), category=category.pk)
    services_kb.delete_article_category(actor=admin, category=category)
    made.refresh_from_db()
    assert made.category is None and not ArticleCategory.objects.exists()
