import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.files.models import Attachment
from tests.files.conftest import PDF, stored_files

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user=user)}", "Accept-Language": "en"})


def _upload(client, record_type, record_id, name="offer.pdf", content=PDF):
    return client.post(
        f"/api/v1/records/{record_type}/{record_id}/files",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def test_upload_list_download_and_delete_a_file_with_a_persian_name(media, rep_a, contact_of):
    contact = contact_of(rep_a)
    client = _client(rep_a)

    created = _upload(client, "contact", contact.pk, name="قرارداد ۱۴۰۳.pdf")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "قرارداد ۱۴۰۳.pdf" and body["content_type"] == "application/pdf"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["uploaded_by"] == "rep_a"

    listed = client.get(f"/api/v1/records/contact/{contact.pk}/files").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and listed["count"] == 1

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('قرارداد ۱۴۰۳.pdf')}" in disposition

    deleted = client.delete(f"/api/v1/files/{body['id']}")
    assert deleted.status_code == 204
    assert client.get(body["download_url"]).status_code == 404
    assert client.get(f"/api/v1/records/contact/{contact.pk}/files").json()["count"] == 0


def test_a_20_mb_file_is_refused_naming_the_10_mb_limit_and_nothing_is_stored(media, rep_a, contact_of):
    contact = contact_of(rep_a)

    response = _upload(_client(rep_a), "contact", contact.pk, content=PDF + b"0" * (20 * 1024 * 1024))

    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "file.too_large"
    assert body["errors"] == [{"field": "file", "message": "The file is larger than the 10 MB limit."}]
    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_a_refused_kind_answers_422_on_the_file_field(media, rep_a, contact_of):
    contact = contact_of(rep_a)

    response = _upload(_client(rep_a), "contact", contact.pk, name="a.png", content=b"<svg onload=x></svg>")

    assert response.status_code == 422
    assert response.json()["code"] == "file.type_refused"
    assert [e["field"] for e in response.json()["errors"]] == ["file"]
    assert stored_files(media) == []


def test_another_teams_rep_gets_404_for_every_file_operation_and_changes_nothing(
    media, rep_a, rep_b, contact_of
):
    contact = contact_of(rep_a)
    attachment_id = _upload(_client(rep_a), "contact", contact.pk).json()["id"]
    stranger = _client(rep_b)

    answers = [
        stranger.get(f"/api/v1/records/contact/{contact.pk}/files"),
        _upload(stranger, "contact", contact.pk),
        stranger.get(f"/api/v1/files/{attachment_id}/download"),
        stranger.delete(f"/api/v1/files/{attachment_id}"),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert all(a.json()["code"] == "not_found" for a in answers)
    assert Attachment.objects.filter(deleted_at__isnull=True).count() == 1
    assert len(stored_files(media)) == 1


def test_a_colleague_who_sees_the_record_may_read_but_not_delete_anothers_file(
    media, settings, rep_a, rep_a2, contact_of
):
    settings.PEYVAND_REP_SEES_TEAM = True
    contact = contact_of(rep_a)
    attachment_id = _upload(_client(rep_a), "contact", contact.pk).json()["id"]
    colleague = _client(rep_a2)

    assert colleague.get(f"/api/v1/files/{attachment_id}/download").status_code == 200
    refused = colleague.delete(f"/api/v1/files/{attachment_id}")

    assert refused.status_code == 403 and refused.json()["code"] == "file.delete_forbidden"
    assert Attachment.objects.get().deleted_at is None


@pytest.mark.parametrize("record_type", ["company", "lead", "deal", "activity"])
def test_every_registered_record_type_takes_files(media, rep_a, pipeline, record_type):
    from peyvand.core import registry

    kind = registry.get(record_type)
    values = {
        "company": {"name": "Arya"},
        "lead": {"last_name": "Karimi"},
        "deal": {"title": "Licences", "amount": "1000"},
        "activity": {"subject": "Call back", "kind": "task"},
    }[record_type]
    record = kind.resource.create(actor=rep_a, values=values)

    response = _upload(_client(rep_a), record_type, record.pk)

    assert response.status_code == 201, response.content
    assert response.json()["record_type"] == record_type


def test_an_unknown_record_type_or_id_is_not_found(media, rep_a):
    client = _client(rep_a)

    assert client.get("/api/v1/records/spaceship/1/files").status_code == 404
    assert client.get("/api/v1/records/contact/99999999999999999999/files").status_code == 404
    assert client.get("/api/v1/files/0/download").status_code in (404, 422)
