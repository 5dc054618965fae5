"""The dry run (peyvand/imports/services.py, execute(dry_run=True)): every bad cell by row and column,
nothing written."""

import datetime as dt

import pytest

from peyvand.contacts.models import Contact
from peyvand.core.models import AuditEntry
from peyvand.imports.models import ImportedRow
from peyvand.imports.services import create_run, execute, measure, set_mapping
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal
from tests.factories import make_pipeline

pytestmark = pytest.mark.django_db


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_every_bad_cell_is_listed_by_spreadsheet_row_and_header_text_and_nothing_is_written(rep_a):
    content = csv_bytes(
        "نام,نام خانوادگی,موبایل,ایمیل,تاریخ تولد",
        "علی,رضایی,09121234567,ali@example.com,1370/05/12",
        "مینا,,0912,mina@@x,1370/13/40",
        "Sara,Karimi,+98 935 111 2233,sara@example.com,1991-02-03",
    )
    run = execute(
        run=create_run(actor=rep_a, kind="contacts", file_name="a.csv", content=content), dry_run=True
    )
    problems = {(e["row"], e["column"]) for e in run.errors}
    assert problems == {(3, "نام خانوادگی"), (3, "موبایل"), (3, "ایمیل"), (3, "تاریخ تولد")}
    assert (run.created, run.failed, run.status) == (2, 1, "checked")
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert ImportedRow.objects.count() == 0


def test_jalali_and_gregorian_dates_are_both_read(rep_a):
    from peyvand.contacts.models import Contact as C
    from peyvand.imports.fields import read_date

    field = C._meta.get_field("birthday")
    assert read_date("۱۴۰۴/۰۹/۰۴", field) == dt.date(2025, 11, 25)
    assert read_date("2025-11-25", field) == dt.date(2025, 11, 25)


def test_text_longer_than_the_field_and_an_unknown_choice_are_reported(rep_a):
    content = csv_bytes("last name,source,title", f"Long,website,{'x' * 101}", "Choice,fax,")
    run = execute(run=create_run(actor=rep_a, kind="leads", file_name="l.csv", content=content), dry_run=True)
    assert [(e["row"], e["column"]) for e in run.errors] == [(2, "title"), (3, "source")]
    assert Lead.objects.count() == 0


def test_a_persian_choice_label_is_accepted(rep_a):
    content = csv_bytes("last name,وضعیت", "Choice,Qualified")
    run = execute(run=create_run(actor=rep_a, kind="leads", file_name="l.csv", content=content), dry_run=True)
    assert run.errors == [] and run.created == 1


def test_deals_name_their_pipeline_and_stage_and_a_wrong_one_is_a_cell_error(rep_a):
    make_pipeline()
    content = csv_bytes(
        "عنوان,مبلغ,قیف,مرحله,تاریخ بستن",
        'Big deal,"1,500,000",Sales,Proposal,1404/10/01',
        "Bad stage,100,Sales,Nowhere,",
        "Bad pipeline,100,Nope,,",
        "Bad amount,lots,Sales,,",
    )
    run = execute(run=create_run(actor=rep_a, kind="deals", file_name="d.csv", content=content), dry_run=True)
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "مرحله"), (4, "قیف"), (5, "مبلغ")]
    assert run.created == 1
    assert Deal.objects.count() == 0


def test_an_owner_the_importer_may_not_assign_is_a_cell_error(rep_a, rep_a2, manager_a):
    content = csv_bytes("last name,owner", "Mine,rep_a", "Theirs,rep_a2")
    run = execute(
        run=create_run(actor=rep_a, kind="contacts", file_name="o.csv", content=content), dry_run=True
    )
    assert [(e["row"], e["column"]) for e in run.errors] == [(3, "owner")]
    run = execute(
        run=create_run(actor=manager_a, kind="contacts", file_name="o.csv", content=content), dry_run=True
    )
    assert run.errors == []


def test_a_file_without_the_required_column_is_refused_until_the_mapping_names_one(rep_a):
    from peyvand.core.errors import PeyvandError

    content = csv_bytes("family,phone", "Rezaei,09121234567")
    run = measure(run=create_run(actor=rep_a, kind="contacts", file_name="m.csv", content=content))
    assert run.mapping == {"family": "last_name", "phone": "phones"}
    set_mapping(run=run, mapping={"family": "", "phone": "phones"})
    with pytest.raises(PeyvandError) as error:
        execute(run=run, dry_run=True)
    assert error.value.code == "import.mapping"
    set_mapping(run=run, mapping={"family": "last_name"})
    assert execute(run=run, dry_run=True).created == 1


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_error(rep_a):
    from peyvand.core.errors import PeyvandError

    with pytest.raises(PeyvandError) as error:
        create_run(actor=rep_a, kind="contacts", file_name="x.csv", content="نام".encode("cp1256") * 10)
    assert error.value.errors[0]["field"] == "file"


@pytest.mark.parametrize(
    "content", [b"\xef\x8d", b"a,b\n\xff\n", b"\x00\x01\x02", b"last\x00name\n0912\x00\n"]
)
def test_short_binary_or_nul_laden_files_get_a_file_error_or_a_report_never_a_crash(rep_a, content):
    from peyvand.core.errors import PeyvandError

    try:
        run = execute(
            run=create_run(actor=rep_a, kind="contacts", file_name="x\x00.csv", content=content), dry_run=True
        )
    except PeyvandError as exc:
        assert exc.errors[0]["field"] in ("file", "mapping")
    else:
        assert run.status == "checked" and "\x00" not in run.file_name
