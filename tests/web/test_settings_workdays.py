"""The working days and holidays settings page: an administrator sets the week and keeps the year's holidays (Jalali
on a Persian page), every change through core's audited services; everyone else is refused and nothing changes."""

import datetime as dt
from decimal import Decimal

import jdatetime
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.holidays import FIXED_JALALI_HOLIDAYS, add_official_holidays, save_holiday, year_bounds
from peyvand.core.models import AuditAction, AuditEntry, DayShare, Holiday, WorkingWeek
from peyvand.core.workdays import save_working_week, working_days, working_week
from tests.web.test_views import browser_for

pytestmark = pytest.mark.django_db

URL = "/settings/working-days/"
NOWRUZ_1405 = dt.date(2026, 3, 21)  # 1405/01/01


def test_an_administrator_sets_thursday_to_a_half_day_and_plans_count_it_half(admin):
    before = working_days(dt.date(2026, 12, 5), dt.date(2026, 12, 11))  # Saturday to Friday
    response = browser_for(admin).post(URL, {"thursday": DayShare.HALF, "friday": DayShare.OFF})
    assert response.status_code == 302
    week = WorkingWeek.objects.get()
    assert week.thursday == DayShare.HALF and week.friday == DayShare.OFF
    assert working_days(dt.date(2026, 12, 5), dt.date(2026, 12, 11)) == before - Decimal("0.5")
    entry = audit_for(week).get()
    assert entry.actor == admin and entry.changes == {"thursday": ["1", "0.5"]}


def test_the_page_shows_the_week_in_selects_from_saturday(admin):
    save_working_week(actor=admin, values={"thursday": DayShare.HALF})
    page = browser_for(admin).get(URL).content.decode()
    assert page.index('name="saturday"') < page.index('name="sunday"') < page.index('name="friday"')
    thursday = page[page.index('name="thursday"') :]
    assert '<option value="0.5" selected>' in thursday[: thursday.index("</select>")]


def test_a_share_that_is_not_offered_is_refused_on_its_day(admin):
    response = browser_for(admin).post(URL, {"thursday": "0.7"})
    assert response.status_code == 400
    assert "Choose a full day, a half day or a day off." in response.content.decode()
    assert working_week().thursday == DayShare.FULL
    with pytest.raises(ValidationFailed) as refused:
        save_working_week(actor=admin, values={"someday": "1"})
    assert refused.value.errors[0]["field"] == "someday"


def test_managers_and_reps_may_not_change_the_week(manager_a, rep_a):
    for user in (manager_a, rep_a):
        assert browser_for(user).post(URL, {"friday": DayShare.FULL}).status_code == 403
        with pytest.raises(PeyvandError) as refused:
            save_working_week(actor=user, values={"friday": DayShare.FULL})
        assert refused.value.status == 403
    assert not WorkingWeek.objects.exists() and not AuditEntry.objects.exists()


def test_a_holiday_is_added_with_a_jalali_date_on_a_persian_page(admin):
    response = browser_for(admin, "fa").post(
        "/settings/working-days/holidays/?year=1405",
        {"date": "۱۴۰۵/۰۱/۰۱", "name": "نوروز", "share": DayShare.OFF, "year": "1405"},
    )
    assert response.status_code == 302 and response["Location"].endswith("year=1405")
    holiday = Holiday.objects.get()
    assert holiday.date == NOWRUZ_1405 and holiday.name == "نوروز"
    assert audit_for(holiday).get().action == AuditAction.CREATE
    page = browser_for(admin, "fa").get(URL + "?year=1405").content.decode()
    assert "۱۴۰۵/۰۱/۰۱" in page and "نوروز" in page


def test_a_holiday_is_added_with_a_gregorian_date_on_an_english_page(admin):
    response = browser_for(admin).post(
        "/settings/working-days/holidays/", {"date": "2026-12-25", "name": "Company day", "share": "0.5"}
    )
    assert response.status_code == 302
    assert Holiday.objects.get().share == DayShare.HALF
    assert working_days(dt.date(2026, 12, 25), dt.date(2026, 12, 25)) == Decimal("0.5")


def test_the_year_selector_shows_the_holidays_of_that_jalali_year_only(admin):
    Holiday.objects.create(date=NOWRUZ_1405, name="Nowruz 1405")
    Holiday.objects.create(date=NOWRUZ_1405 - dt.timedelta(days=1), name="Esfand 1404")
    page = browser_for(admin, "fa").get(URL + "?year=1405").content.decode()
    assert "Nowruz 1405" in page and "Esfand 1404" not in page
    assert '<option value="1405" selected>' in page
    page = browser_for(admin, "fa").get(URL + "?year=1404").content.decode()
    assert "Esfand 1404" in page and "Nowruz 1405" not in page
    english = browser_for(admin).get(URL + "?year=2026").content.decode()
    assert "Nowruz 1405" in english and "Esfand 1404" in english


def test_a_bad_date_or_a_second_holiday_on_the_same_day_is_refused_naming_the_field(admin):
    Holiday.objects.create(date=NOWRUZ_1405, name="Nowruz")
    client = browser_for(admin)
    response = client.post(
        "/settings/working-days/holidays/", {"date": "2026-02-31", "name": "X", "share": "0"}
    )
    assert response.status_code == 400 and "Enter a date such as 2025-11-25." in response.content.decode()
    response = client.post(
        "/settings/working-days/holidays/", {"date": "2026-03-21", "name": "X", "share": "0"}
    )
    assert response.status_code == 400
    assert "There is already a holiday on this date." in response.content.decode()
    response = client.post(
        "/settings/working-days/holidays/", {"date": "2026-03-22", "name": " ", "share": "0"}
    )
    assert response.status_code == 400
    assert Holiday.objects.count() == 1


def test_a_holiday_is_edited_and_deleted_with_an_audit_row_each(admin):
    holiday = save_holiday(actor=admin, values={"date": NOWRUZ_1405, "name": "Nowruz", "share": "0"})
    client = browser_for(admin)
    edit = f"/settings/working-days/holidays/{holiday.pk}/"
    assert 'value="2026-03-21"' in client.get(edit).content.decode()
    assert client.post(edit, {"date": "2026-03-22", "name": "Nowruz", "share": "0.5"}).status_code == 302
    holiday.refresh_from_db()
    assert (holiday.date, holiday.share) == (dt.date(2026, 3, 22), DayShare.HALF)
    assert audit_for(holiday).first().changes == {
        "date": ["2026-03-21", "2026-03-22"],
        "share": ["0", "0.5"],
    }
    assert client.get(edit + "delete/").status_code == 405
    assert client.post(edit + "delete/").status_code == 302
    assert not Holiday.objects.exists()
    assert audit_for(holiday).first().action == AuditAction.DELETE


def test_irans_fixed_official_holidays_are_added_for_the_year_once(admin):
    client = browser_for(admin, "fa")
    Holiday.objects.create(date=NOWRUZ_1405, name="Kept as it is", share=DayShare.HALF)
    assert client.post("/settings/working-days/official/", {"year": "1405"}).status_code == 302
    first, last = year_bounds(1405, jalali=True)
    stored = Holiday.objects.filter(date__range=(first, last))
    assert stored.count() == len(FIXED_JALALI_HOLIDAYS)
    assert stored.get(date=NOWRUZ_1405).name == "Kept as it is"
    assert stored.get(date=jdatetime.date(1405, 11, 22).togregorian()).share == DayShare.OFF
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == len(FIXED_JALALI_HOLIDAYS) - 1
    assert add_official_holidays(actor=admin, first=first, last=last) == 0


def test_holidays_are_imported_from_a_file_or_the_file_is_refused_with_its_rows(admin):
    client = browser_for(admin)
    good = SimpleUploadedFile(
        "h.csv", "date,name,share\n1405/01/02,نوروز,0\n2026-12-31,Year end,0.5\n".encode()
    )
    assert client.post("/settings/working-days/import/", {"file": good}).status_code == 302
    assert Holiday.objects.count() == 2
    bad = SimpleUploadedFile("h.csv", b"date,name\nnot a date,X\n")
    response = client.post("/settings/working-days/import/", {"file": bad})
    assert response.status_code == 400 and "row 2, date" in response.content.decode()
    assert client.post("/settings/working-days/import/", {}).status_code == 400
    assert Holiday.objects.count() == 2


def test_managers_and_reps_are_refused_every_holiday_write(manager_a, rep_a, admin):
    holiday = Holiday.objects.create(date=NOWRUZ_1405, name="Nowruz")
    for user in (manager_a, rep_a):
        client = browser_for(user)
        assert client.get(URL).status_code == 403
        assert (
            client.post("/settings/working-days/holidays/", {"date": "2026-12-25", "name": "X"}).status_code
            == 403
        )
        assert client.post(f"/settings/working-days/holidays/{holiday.pk}/delete/").status_code == 403
        assert client.post("/settings/working-days/official/", {"year": "2026"}).status_code == 403
        with pytest.raises(PeyvandError):
            save_holiday(actor=user, values={"date": dt.date(2026, 12, 25), "name": "X"})
    assert list(Holiday.objects.all()) == [holiday] and not AuditEntry.objects.exists()


def test_the_hub_offers_the_section_to_administrators_in_the_calendar_group(admin, manager_a):
    page = browser_for(admin).get("/settings/").content.decode()
    calendar = page[page.index('id="settings-calendar"') :]
    assert 'data-section="working-days"' in calendar and 'href="/settings/working-days/"' in page
    assert 'data-section="working-days"' not in browser_for(manager_a).get("/settings/").content.decode()
