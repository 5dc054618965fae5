import pytest
from django.utils import translation

from peyvand.comments import permissions
from peyvand.comments.models import Comment
from peyvand.comments.services import add_comment, delete_comment, edit_comment
from peyvand.contacts.services import create_contact
from peyvand.core.audit import audit_for
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(rep_a):
    return create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei"})


def _comment(actor, record, body):
    return add_comment(actor=actor, record_type="contact", record_id=record.pk, body=body)


def test_a_comment_is_stored_cleaned_and_audited_on_its_record(rep_a, contact):
    comment = _comment(rep_a, contact, "  علي   گفت\x00 قيمت را بفرستيم  \n\n\n\nفردا ")

    assert comment.body == "علی گفت قیمت را بفرستیم\n\nفردا"
    assert (comment.record_type, comment.record_id, comment.author) == ("contact", contact.pk, rep_a)
    assert audit_for(contact).first().note.startswith("Comment added: علی گفت")


def test_an_empty_comment_is_refused_on_the_body_field(rep_a, contact):
    with pytest.raises(PeyvandError) as refused:
        _comment(rep_a, contact, " \n\t ")

    assert (refused.value.code, refused.value.field) == (permissions.COMMENT_EMPTY, "body")
    assert not Comment.objects.exists()


def test_a_mention_tells_a_colleague_who_may_see_the_record_and_links_to_it(rep_a, manager_a, contact):
    comment = _comment(rep_a, contact, "@manager_a please call her back.")

    assert list(comment.mentions.all()) == [manager_a]
    note = Notification.objects.get(recipient=manager_a)
    assert note.url == f"/contacts/{contact.pk}/"
    assert note.text_title() == "rep_a mentioned you on Sara Rezaei"
    with translation.override("fa"):
        assert "rep_a" in note.text_title() and "mentioned" not in note.text_title()
    assert "please call her back" in note.text_body()


def test_mentions_of_people_who_may_not_see_the_record_or_do_not_exist_are_ignored(
    rep_a, rep_a2, rep_b, contact
):
    UserFactory(username="gone", team=rep_a.team, role="sales_manager", is_active=False)

    comment = _comment(rep_a, contact, "@rep_b @rep_a2 @gone @nobody @rep_a and mail sara@rep_b.ir")

    assert list(comment.mentions.all()) == []  # rep_a2 may not see rep_a's record (reps see their own)
    assert not Notification.objects.exists()


def test_a_teammate_who_sees_the_team_is_mentioned_when_the_setting_lets_reps_see_it(
    settings, rep_a, rep_a2, contact
):
    settings.PEYVAND_REP_SEES_TEAM = True

    comment = _comment(rep_a, contact, "@rep_a2 look")

    assert list(comment.mentions.all()) == [rep_a2]
    assert Notification.objects.filter(recipient=rep_a2).count() == 1


def test_editing_keeps_a_mention_without_telling_twice_and_tells_a_new_one(rep_a, manager_a, admin, contact):
    comment = _comment(rep_a, contact, "@manager_a first")

    edited = edit_comment(actor=rep_a, comment=comment, body="@manager_a @admin second")

    assert edited.edited_at is not None and edited.body == "@manager_a @admin second"
    assert Notification.objects.filter(recipient=manager_a).count() == 1
    assert Notification.objects.filter(recipient=admin).count() == 1
    assert audit_for(contact).first().note == "Comment edited: @manager_a @admin second"


def test_only_the_author_may_edit_even_an_administrator_may_not(rep_a, admin, contact):
    comment = _comment(rep_a, contact, "mine")

    with pytest.raises(PeyvandError) as refused:
        edit_comment(actor=admin, comment=comment, body="changed")

    assert (refused.value.code, refused.value.status) == (permissions.COMMENT_EDIT_FORBIDDEN, 403)
    assert Comment.objects.get().body == "mine"


def test_the_author_a_manager_and_an_admin_may_delete_but_not_a_colleague(
    settings, rep_a, rep_a2, manager_a, admin, contact
):
    settings.PEYVAND_REP_SEES_TEAM = True

    with pytest.raises(PeyvandError) as refused:
        delete_comment(actor=rep_a2, comment=_comment(rep_a, contact, "one"))
    assert refused.value.code == permissions.COMMENT_DELETE_FORBIDDEN
    for user in (rep_a, manager_a, admin):
        assert delete_comment(actor=user, comment=_comment(rep_a, contact, "x")).deleted_at is not None

    assert Comment.objects.filter(deleted_at__isnull=True).count() == 1
    assert [e.note for e in audit_for(contact)].count("Comment deleted: x") == 3


def test_another_teams_rep_can_neither_comment_nor_delete(rep_a, rep_b, contact):
    comment = _comment(rep_a, contact, "ours")

    with pytest.raises(NotFound):
        _comment(rep_b, contact, "theirs")
    with pytest.raises(NotFound):
        delete_comment(actor=rep_b, comment=comment)

    assert Comment.objects.filter(deleted_at__isnull=True).count() == 1
