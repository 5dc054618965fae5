"""Import bombs (peyvand/imports/reading.py, services.py, tasks.py): a small upload that unpacks to a huge sheet
is stored by the request and answered at once; the background job reads it only up to the limit and ends with
an error naming that limit."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from peyvand.accounts.services import issue_token
from peyvand.core.models import Job
from peyvand.imports import reading
from peyvand.imports.models import ImportRun
from peyvand.imports.services import create_run, execute

pytestmark = pytest.mark.django_db

LIMIT = 5_000


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PEYVAND_IMPORT_MAX_ROWS = LIMIT
    settings.PEYVAND_IMPORT_MAX_COLUMNS = 300
    settings.PEYVAND_IMPORT_MAX_UNPACKED_MB = 250
    settings.PEYVAND_IMPORT_MAX_UPLOAD_MB = 50


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the database for ``peyvand worker``, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def bomb_xlsx(empty_rows: int) -> bytes:
    """A workbook with a header row and then ``empty_rows`` empty rows, deflated: 3 million rows unpack to
    18 MB and pack to a few tens of kilobytes."""
    book = openpyxl.Workbook()
    book.active.append(["نام خانوادگی", "موبایل"])
    made = io.BytesIO()
    book.save(made)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(made) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
    ):
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row/>" * empty_rows + b"</sheetData>")
            z.writestr(member.filename, data)
    return out.getvalue()


def test_a_bomb_of_three_million_empty_rows_is_read_only_up_to_the_row_limit(tmp_path):
    content = bomb_xlsx(3_000_000)
    assert len(content) < 200_000
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    read = 0
    with pytest.raises(reading.TooLarge) as error:
        for _row in reading.sheet_rows(path):
            read += 1
    # the header, then the limit's rows: the next one is refused and nothing after it is read
    assert read == LIMIT + 1 and error.value.row == LIMIT + 2
    assert "more than 5,000 rows" in str(error.value.message)


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_a_bomb_at_once_and_the_job_refuses_it_naming_the_limit(rep_a, queued_jobs):
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user=rep_a)}", "Accept-Language": "en"}
    upload = SimpleUploadedFile("bomb.xlsx", bomb_xlsx(3_000_000))
    response = client.post("/api/v1/imports", {"kind": "contacts", "file": upload}, headers=headers)
    assert response.status_code == 202, response.content
    body = response.json()
    # answered before the check ran: the run waits for the worker
    assert body["status"] == "checking" and body["total_rows"] == 0
    assert Job.objects.get(pk=body["job_id"]).status == "queued"

    call_command("worker", batch=True, verbosity=0)

    body = client.get(f"/api/v1/imports/{body['id']}", headers=headers).json()
    assert body["status"] == "refused" and body["created"] == 0
    assert body["errors"] == [
        {
            "row": LIMIT + 2,
            "column": "",
            "message": "The file has more than 5,000 rows; split it into files of at most 5,000 rows.",
        }
    ]
    job = Job.objects.get(pk=body["job_id"])
    assert job.status == "failed" and "more than 5,000 rows" in job.error


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_answers_a_bomb_at_once_and_shows_the_refusal_after_the_check(rep_a, queued_jobs):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/imports/", {"kind": "contacts", "file": SimpleUploadedFile("b.xlsx", bomb_xlsx(3_000_000))}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == "checking"
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'id="checking"' in page and 'id="start-import"' not in page

    call_command("worker", batch=True, verbosity=0)

    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert 'id="refused"' in page and "more than 5,000 rows" in page
    assert 'id="start-import"' not in page and 'id="resume-import"' not in page
    # the page's poll sees the check is over and reloads the whole page
    poll = client.get(f"/imports/{run.pk}/?was=checking", headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"


def test_a_workbook_unpacking_past_the_limit_is_refused_by_its_zip_directory_before_it_is_unpacked(
    rep_a, settings
):
    settings.PEYVAND_IMPORT_MAX_UNPACKED_MB = 10
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user=rep_a)}", "Accept-Language": "en"}
    upload = SimpleUploadedFile("bomb.xlsx", bomb_xlsx(3_000_000))  # 18 MB unpacked
    response = client.post("/api/v1/imports", {"kind": "contacts", "file": upload}, headers=headers)
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "The workbook unpacks to more than 10 MB; split it into smaller files."
    )
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_naming_it(rep_a, settings):
    settings.PEYVAND_IMPORT_MAX_UPLOAD_MB = 1
    client = Client()
    headers = {"Authorization": f"Bearer {issue_token(user=rep_a)}", "Accept-Language": "en"}
    upload = SimpleUploadedFile("big.csv", b"last name\n" + b"x" * (1024 * 1024))
    response = client.post("/api/v1/imports", {"kind": "contacts", "file": upload}, headers=headers)
    assert response.status_code == 413
    assert response.json()["detail"] == "The file is larger than 1 MB; split it into smaller files."


def run_csv(user, content: bytes):
    run = create_run(actor=user, kind="contacts", file_name="f.csv", content=content)
    with pytest.raises(reading.TooLarge) as error:
        execute(run=run, dry_run=True)
    run.refresh_from_db()
    assert run.status == "refused" and run.created == 0
    return error.value, run


def test_a_csv_of_millions_of_lines_stops_at_the_row_limit(rep_a, tmp_path):
    content = b"last name\n" + b"x\n" * 2_000_000
    error, run = run_csv(rep_a, content)
    assert error.row == LIMIT + 2 and run.errors[0]["row"] == LIMIT + 2
    assert "more than 5,000 rows" in run.errors[0]["message"]


def test_a_csv_with_one_enormous_line_is_refused_without_reading_it_whole(rep_a):
    content = b"last name\n" + b"x" * (5 * 1024 * 1024) + b"\n"
    error, run = run_csv(rep_a, content)
    assert error.row == 2
    assert run.errors[0]["message"] == "Row 2 is too long: a row may hold at most 1,000,000 characters."


def test_a_csv_with_too_many_columns_names_the_row_and_the_column(rep_a):
    content = ("last name" + ",x" * 100_000 + "\nRezaei\n").encode()
    error, run = run_csv(rep_a, content)
    assert (error.row, error.column) == (1, 100_001)
    assert run.errors == [
        {
            "row": 1,
            "column": "100001",
            "message": "Row 1, column 100,001: a sheet may have at most 300 columns.",
        }
    ]


def test_a_file_within_the_limits_is_checked_as_before(rep_a):
    content = ("last name,phone\n" + "".join(f"Rezaei {i},0912{i:07d}\n" for i in range(LIMIT))).encode()
    run = execute(
        run=create_run(actor=rep_a, kind="contacts", file_name="f.csv", content=content), dry_run=True
    )
    assert (run.status, run.total_rows, run.created, run.failed) == ("checked", LIMIT, LIMIT, 0)
