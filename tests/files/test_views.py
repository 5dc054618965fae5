import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.files.models import Attachment
from tests.files.conftest import PDF, stored_files

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _post_file(client, contact, name="offer.pdf", content=PDF, headers=None):
    return client.post(
        f"/records/contact/{contact.pk}/files/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        headers=headers or {},
    )


def test_a_file_uploaded_on_the_record_page_shows_on_its_timeline_and_downloads(media, rep_a, contact_of):
    contact = contact_of(rep_a)
    client = _signed_in(rep_a)

    posted = _post_file(client, contact)

    assert posted.status_code == 303 and posted["Location"] == f"/contacts/{contact.pk}/"
    page = client.get(posted["Location"]).content.decode()
    attachment = Attachment.objects.get()
    assert f'href="/files/{attachment.pk}/download/"' in page and "offer.pdf" in page
    assert 'id="files-panel"' in page and 'id="comments-panel"' in page
    download = client.get(f"/files/{attachment.pk}/download/")
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_20_mb_file_on_the_page_is_refused_naming_the_limit_and_nothing_is_stored(media, rep_a, contact_of):
    contact = contact_of(rep_a)
    client = _signed_in(rep_a)
    big = PDF + b"0" * (20 * 1024 * 1024)

    without_js = _post_file(client, contact, content=big)
    page = client.get(without_js["Location"]).content.decode()
    with_htmx = _post_file(client, contact, content=big, headers={"HX-Request": "true"})

    assert "The file is larger than the 10 MB limit." in page
    assert with_htmx.status_code == 200 and with_htmx["HX-Retarget"] == "#files-panel"
    assert "The file is larger than the 10 MB limit." in with_htmx.content.decode()
    assert 'aria-invalid="true"' in with_htmx.content.decode()
    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_another_teams_rep_gets_404_for_the_download_the_upload_and_the_delete(
    media, rep_a, rep_b, contact_of
):
    contact = contact_of(rep_a)
    _post_file(_signed_in(rep_a), contact)
    attachment = Attachment.objects.get()
    stranger = _signed_in(rep_b)

    assert stranger.get(f"/files/{attachment.pk}/download/").status_code == 404
    assert _post_file(stranger, contact).status_code == 404
    assert stranger.post(f"/files/{attachment.pk}/delete/").status_code == 404
    assert stranger.get(f"/contacts/{contact.pk}/").status_code == 404
    assert Attachment.objects.count() == 1 and len(stored_files(media)) == 1


def test_the_uploader_deletes_a_file_from_the_timeline_and_it_is_gone(media, rep_a, contact_of):
    contact = contact_of(rep_a)
    client = _signed_in(rep_a)
    _post_file(client, contact)
    attachment = Attachment.objects.get()

    deleted = client.post(f"/files/{attachment.pk}/delete/")

    assert deleted.status_code == 303
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert f"/files/{attachment.pk}/download/" not in page
    assert "File deleted: offer.pdf" in page  # the audit trail on the record's timeline
    assert client.get(f"/files/{attachment.pk}/download/").status_code == 404


def test_uploading_needs_a_signed_in_user_and_a_post(media, rep_a, contact_of):
    contact = contact_of(rep_a)

    assert _post_file(Client(), contact).status_code == 302  # to the sign-in page
    assert _signed_in(rep_a).get(f"/records/contact/{contact.pk}/files/").status_code == 405
    assert not Attachment.objects.exists()


def test_operators_find_files_and_comments_in_the_admin(media, admin, rep_a, contact_of):
    from peyvand.comments.services import add_comment

    contact = contact_of(rep_a)
    _post_file(_signed_in(rep_a), contact)
    add_comment(actor=rep_a, record_type="contact", record_id=contact.pk, body="call on Sunday")
    client = _signed_in(admin)

    files = client.get("/admin/files/attachment/?q=offer")
    comments = client.get("/admin/comments/comment/?q=Sunday")
    attachment_page = client.get(f"/admin/files/attachment/{Attachment.objects.get().pk}/change/")

    assert files.status_code == 200 and "offer.pdf" in files.content.decode()
    assert comments.status_code == 200 and "call on Sunday" in comments.content.decode()
    assert attachment_page.status_code == 200


@pytest.mark.parametrize("record_type", ["contact", "company", "lead", "deal", "activity"])
def test_every_registered_record_page_has_the_files_panel_and_the_comment_box(
    media, rep_a, pipeline, record_type
):
    from peyvand.core import registry

    kind = registry.get(record_type)
    values = {
        "contact": {"last_name": "Rezaei"},
        "company": {"name": "Arya"},
        "lead": {"last_name": "Karimi"},
        "deal": {"title": "Licences", "amount": "1000"},
        "activity": {"subject": "Call back", "kind": "task"},
    }[record_type]
    record = kind.resource.create(actor=rep_a, values=values)

    page = _signed_in(rep_a).get(f"/{kind.plural}/{record.pk}/").content.decode()

    assert f'action="/records/{record_type}/{record.pk}/files/"' in page
    assert f'action="/records/{record_type}/{record.pk}/comments/"' in page
