"""Files in an S3-compatible store: a real HTTP server speaking S3 (moto's, on a free local port), the storage
switched to it as PEYVAND_FILES_S3_* does, and a file uploaded, downloaded and refused through the API."""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.files.models import Attachment
from tests.files.conftest import PDF

pytestmark = pytest.mark.django_db
BUCKET = "peyvand-files"


@pytest.fixture
def s3(settings, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # the AWS library also reads these; keep the test's keys out of anything a developer has configured
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_file_goes_to_the_bucket_and_comes_back_and_a_refused_one_never_gets_there(s3, rep_a, contact_of):
    contact = contact_of(rep_a)
    api = Client(headers={"Authorization": f"Bearer {issue_token(user=rep_a)}", "Accept-Language": "en"})
    url = f"/api/v1/records/contact/{contact.pk}/files"

    created = api.post(url, {"file": SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")})
    assert created.status_code == 201, created.content
    stored = Attachment.objects.get()
    assert _keys(s3) == [stored.file.name]
    assert s3.get_object(Bucket=BUCKET, Key=stored.file.name)["Body"].read() == PDF

    download = api.get(created.json()["download_url"])
    assert b"".join(download.streaming_content) == PDF

    refused = api.post(
        url, {"file": SimpleUploadedFile("a.html", b"<html></html>", content_type="text/html")}
    )
    assert refused.status_code == 422
    assert _keys(s3) == [stored.file.name] and Attachment.objects.count() == 1
