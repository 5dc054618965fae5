"""The deals list in Chromium: tick three deals, move them to another stage in one go, then export just the
ticked rows and find exactly those in the downloaded file. In Persian and English, at 1440 px and 390 px."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
CHANGED = {"en": "3 records changed.", "fa": "۳ رکورد تغییر کرد."}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_three_ticked_deals_change_stage_and_export_alone(browser, live_server, rep_a, pipeline, language):
    deals = [create_deal(actor=rep_a, values={"title": f"Deal {i}"}) for i in range(6)]
    ticked = [deals[0], deals[2], deals[5]]
    proposal = pipeline.stages.get(name="Proposal")
    page = signed_in(browser, live_server, rep_a, language)
    page.goto("/deals/")

    def tick():
        for deal in ticked:
            page.check(f"input[name=ids][value='{deal.pk}']")
        expect(page.locator("input[name=ids]:checked")).to_have_count(3)

    tick()
    page.select_option("#bulk-form select[name=action]", "stage")
    page.select_option("#bulk-form select[name=stage]", str(proposal.pk))
    fits(page, f"bulk-stage-{language}")
    page.click("#bulk-apply")
    expect(page.locator(".messages")).to_contain_text(CHANGED[language])
    moved = set(Deal.objects.filter(stage=proposal).values_list("pk", flat=True))
    assert moved == {d.pk for d in ticked}

    tick()
    with page.expect_download() as download:
        page.click("#export-ticked-csv")
    path = Path(download.value.path())
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(d.pk for d in ticked)
    # the download left the list where it was, the ticks still on
    expect(page.locator("input[name=ids]:checked")).to_have_count(3)
    fits(page, f"bulk-export-{language}")
    page.context.close()
