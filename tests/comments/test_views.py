import pytest
from django.test import Client

from peyvand.comments.models import Comment
from peyvand.contacts.services import create_contact
from peyvand.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(rep_a):
    return create_contact(actor=rep_a, values={"first_name": "Sara", "last_name": "Rezaei"})


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_comment_posted_on_the_page_shows_on_the_timeline_with_its_mention_marked(
    rep_a, manager_a, contact
):
    client = _signed_in(rep_a)

    posted = client.post(
        f"/records/contact/{contact.pk}/comments/", {"body": "@manager_a <script>x</script>"}
    )

    assert posted.status_code == 303
    page = client.get(posted["Location"]).content.decode()
    assert '<mark class="mention" dir="ltr">@manager_a</mark> &lt;script&gt;x&lt;/script&gt;' in page
    assert "<script>x</script>" not in page
    assert Notification.objects.get(recipient=manager_a).url == f"/contacts/{contact.pk}/"


def test_an_empty_comment_through_htmx_comes_back_in_the_box_with_the_message(rep_a, contact):
    response = _signed_in(rep_a).post(
        f"/records/contact/{contact.pk}/comments/", {"body": "  "}, headers={"HX-Request": "true"}
    )

    assert response["HX-Retarget"] == "#comments-panel"
    assert "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_author_edits_and_deletes_from_the_timeline(rep_a, contact):
    client = _signed_in(rep_a)
    client.post(f"/records/contact/{contact.pk}/comments/", {"body": "first"})
    comment = Comment.objects.get()

    client.post(f"/comments/{comment.pk}/edit/", {"body": "second"})
    assert Comment.objects.get().body == "second"
    client.post(f"/comments/{comment.pk}/delete/")
    page = client.get(f"/contacts/{contact.pk}/").content.decode()

    assert Comment.objects.get().deleted_at is not None
    assert 'class="comment-body"' not in page


def test_another_teams_rep_gets_404_for_posting_editing_and_deleting(rep_a, rep_b, contact):
    _signed_in(rep_a).post(f"/records/contact/{contact.pk}/comments/", {"body": "ours"})
    comment = Comment.objects.get()
    stranger = _signed_in(rep_b)

    assert stranger.post(f"/records/contact/{contact.pk}/comments/", {"body": "x"}).status_code == 404
    assert stranger.post(f"/comments/{comment.pk}/edit/", {"body": "x"}).status_code == 404
    assert stranger.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert list(Comment.objects.values_list("body", "deleted_at")) == [("ours", None)]


def test_the_record_page_reads_files_and_comments_in_the_same_number_of_queries_however_many(
    settings, tmp_path, rep_a, manager_a, contact
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peyvand.comments.services import add_comment
    from peyvand.files.services import attach_file

    settings.MEDIA_ROOT = tmp_path
    client = _signed_in(rep_a)

    def add(count):
        for n in range(count):
            upload = SimpleUploadedFile(f"note-{n}.txt", b"hello", content_type="text/plain")
            attach_file(actor=rep_a, record_type="contact", record_id=contact.pk, upload=upload)
            add_comment(actor=rep_a, record_type="contact", record_id=contact.pk, body=f"@manager_a {n}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/contacts/{contact.pk}/").status_code == 200
        return len(captured)

    add(1)
    few = queries()
    add(5)

    assert queries() == few
