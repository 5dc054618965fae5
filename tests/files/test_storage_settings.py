"""The storage setting: a local folder under the data directory by default, an S3-compatible bucket when one is
named. Settings are read once per process, so each case starts Django in a fresh one (no network is used:
building the storage does not reach the store)."""

import json
import os
import subprocess
import sys

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "region": getattr(storage, "region_name", None),
    "location": str(getattr(storage, "location", "")),
    "max_mb": settings.PEYVAND_FILE_MAX_MB,
}))
"""


def _probe(tmp_path, **env) -> tuple[dict, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PEYVAND_FILES_", "PEYVAND_FILE_MAX"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="peyvand.settings", PEYVAND_DATA_DIR=str(tmp_path), **env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout + done.stderr


def test_files_go_to_the_media_folder_under_the_data_directory_by_default(tmp_path):
    found, _output = _probe(tmp_path)

    assert found["class"] == "FileSystemStorage"
    assert found["location"] == str(tmp_path / "media")
    assert found["max_mb"] == 10


def test_a_named_bucket_switches_the_default_storage_to_s3_without_printing_its_keys(tmp_path):
    found, output = _probe(
        tmp_path,
        PEYVAND_FILES_S3_BUCKET="peyvand-files",
        PEYVAND_FILES_S3_ENDPOINT="http://127.0.0.1:9000",
        PEYVAND_FILES_S3_ACCESS_KEY="access-key-id",
        PEYVAND_FILES_S3_SECRET_KEY="very-secret-value",
        PEYVAND_FILES_S3_REGION="ir-thr-1",
        PEYVAND_FILE_MAX_MB="25",
    )

    assert found["backend"] == "storages.backends.s3.S3Storage" and found["class"] == "S3Storage"
    assert (found["bucket"], found["endpoint"], found["region"]) == (
        "peyvand-files",
        "http://127.0.0.1:9000",
        "ir-thr-1",
    )
    assert found["max_mb"] == 25
    assert "very-secret-value" not in output
