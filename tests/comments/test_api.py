import pytest

from peyvand.comments.models import Comment
from peyvand.contacts.services import create_contact
from peyvand.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(rep_a):
    return create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei"})


def test_comment_list_edit_and_delete_over_the_api(api_for, rep_a, manager_a, contact):
    client = api_for(rep_a)

    created = client.post(f"/records/contact/{contact.pk}/comments", {"body": "@manager_a <b>call</b>"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["mentions"] == ["manager_a"] and body["author"] == "rep_a"
    assert body["body"] == "@manager_a <b>call</b>"  # plain text, kept as typed
    assert Notification.objects.filter(recipient=manager_a).count() == 1

    listed = client.get(f"/records/contact/{contact.pk}/comments").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]

    edited = client.patch(f"/comments/{body['id']}", {"body": "called"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None

    assert client.delete(f"/comments/{body['id']}").status_code == 204
    assert client.get(f"/records/contact/{contact.pk}/comments").json()["count"] == 0


def test_another_teams_rep_gets_404_for_every_comment_operation(api_for, rep_a, rep_b, contact):
    comment_id = api_for(rep_a).post(f"/records/contact/{contact.pk}/comments", {"body": "ours"}).json()["id"]
    stranger = api_for(rep_b)

    answers = [
        stranger.get(f"/records/contact/{contact.pk}/comments"),
        stranger.post(f"/records/contact/{contact.pk}/comments", {"body": "theirs"}),
        stranger.patch(f"/comments/{comment_id}", {"body": "theirs"}),
        stranger.delete(f"/comments/{comment_id}"),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert all(a.json()["code"] == "not_found" and "ours" not in a.content.decode() for a in answers)
    assert list(Comment.objects.values_list("body", "deleted_at")) == [("ours", None)]


def test_an_administrator_may_delete_but_not_edit_a_reps_comment(api_for, rep_a, admin, contact):
    comment_id = api_for(rep_a).post(f"/records/contact/{contact.pk}/comments", {"body": "ours"}).json()["id"]
    client = api_for(admin)

    refused = client.patch(f"/comments/{comment_id}", {"body": "theirs"})
    deleted = client.delete(f"/comments/{comment_id}")

    assert refused.status_code == 403 and refused.json()["code"] == "comment.edit_forbidden"
    assert deleted.status_code == 204


def test_an_empty_or_missing_body_is_refused_with_422(api_for, rep_a, contact):
    client = api_for(rep_a)

    empty = client.post(f"/records/contact/{contact.pk}/comments", {"body": "   "})
    missing = client.post(f"/records/contact/{contact.pk}/comments", {})

    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "body"
    assert not Comment.objects.exists()
