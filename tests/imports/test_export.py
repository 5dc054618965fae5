"""Export (peyvand/imports/exporting.py, the exports API and the list page's links): the list's filters,
only visible records, formulas escaped, Persian headers, CSV with a BOM, XLSX that imports back."""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact
from peyvand.imports.exporting import escape_formula
from peyvand.imports.services import create_run, execute, measure

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+98912", "'+98912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ali", "Ali"),
        ("a=b", "a=b"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(value, written):
    assert escape_formula(value) == written


def test_a_reps_export_holds_their_own_records_and_never_another_teams(api_for, rep_a, rep_b):
    create_contact(actor=rep_a, values={"last_name": '=HYPERLINK("http://x")', "phones": ["09121234567"]})
    create_contact(actor=rep_b, values={"last_name": "Shirazi"})
    response = api_for(rep_a).get("/exports/contacts", format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][5] == "'+989121234567"  # E.164 starts with + and is escaped too
    assert not any("Shirazi" in cell for row in rows for cell in row)


def test_the_export_applies_the_lists_filters_search_and_refuses_an_unknown_filter(api_for, admin, rep_a):
    create_contact(actor=rep_a, values={"last_name": "Tehrani", "city": "Tehran"})
    create_contact(actor=admin, values={"last_name": "Shirazi", "city": "Shiraz"})
    rows = csv_rows(api_for(admin).get("/exports/contacts", search="tehrani"))
    assert [r[2] for r in rows[1:]] == ["Tehrani"]
    rows = csv_rows(api_for(admin).get("/exports/contacts", owner=str(admin.pk)))
    assert [r[2] for r in rows[1:]] == ["Shirazi"]
    assert api_for(admin).get("/exports/contacts", colour="red").status_code == 422


def test_headers_follow_the_users_language(rep_a):
    client = Client()
    client.force_login(rep_a)
    response = client.get("/exports/contacts/?format=csv", headers={"Accept-Language": "fa"})
    header = csv_rows(response)[0]
    assert "نام خانوادگی" in header
    fa = client.get("/exports/contacts/?format=xlsx", headers={"Accept-Language": "fa"})
    assert openpyxl.load_workbook(io.BytesIO(fa.content)).active.sheet_view.rightToLeft
    client.cookies["django_language"] = "en"
    en = client.get("/exports/contacts/?format=xlsx")
    assert not openpyxl.load_workbook(io.BytesIO(en.content)).active.sheet_view.rightToLeft


def test_an_xlsx_export_imports_back_as_the_same_people(api_for, rep_a, rep_a2):
    create_contact(
        actor=rep_a,
        values={
            "first_name": "علی",
            "last_name": "رضایی",
            "title": "-=manager=-",
            "phones": ["09121234567"],
            "birthday": "1990-01-02",
        },
    )
    response = api_for(rep_a).get("/exports/contacts", format="xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert values[2] == "رضایی"
    # every cell is text as written: no apostrophe before a phone, and a formula-like title is not a formula
    assert "+989121234567" in values and "-=manager=-" in values
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)
    Contact.objects.all().delete()
    run = measure(
        run=create_run(actor=rep_a, kind="contacts", file_name="back.xlsx", content=response.content)
    )
    assert {"first_name", "last_name", "phones", "birthday", "owner"} <= set(run.mapping.values())
    run = execute(run=run)
    assert (run.created, run.failed) == (1, 0), run.errors
    back = Contact.objects.get()
    assert back.phones == ["+989121234567"]
    assert back.title == "-=manager=-"
    assert (back.first_name, back.last_name, back.phones, str(back.birthday)) == (
        "علی",
        "رضایی",
        ["+989121234567"],
        "1990-01-02",
    )


def test_the_list_page_links_to_its_export_with_its_filters(rep_a):
    client = Client()
    client.force_login(rep_a)
    page = client.get("/contacts/?search=ali").content.decode()
    assert "/exports/contacts/?search=ali&amp;format=csv" in page
    assert "/imports/?kind=contacts" in page
    assert client.get("/exports/activities/").status_code == 404
