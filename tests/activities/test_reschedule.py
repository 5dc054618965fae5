"""Rescheduling and reassigning an activity (peyvand/activities/services.py ``replan_activity``,
``postpone_activity``; views.py ``replan_view``): from its page, the list, "My day" and a record's timeline, through
the service, versioned and audited; bad dates and owners the actor may not choose are refused on their field."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from peyvand.activities.models import Activity
from peyvand.activities.services import create_activity, postpone_activity, replan_activity
from peyvand.core.errors import StaleVersion, ValidationFailed
from peyvand.core.models import AuditEntry
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db

TEHRAN = ZoneInfo("Asia/Tehran")
# Wednesday 1405/09/05 (25 November 2026), 11:00 in Tehran.
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=TEHRAN)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def browser_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _task(
    owner, subject="Send the price list", due=dt.datetime(2026, 11, 26, 10, 30, tzinfo=TEHRAN), **values
):
    return create_activity(actor=owner, values={"kind": "task", "subject": subject, "due_at": due, **values})


def _field_errors(exc) -> dict:
    return {e["field"]: str(e["message"]) for e in exc.value.errors}


# --- the service ------------------------------------------------------------------------------------------------


def test_replanning_moves_the_due_time_and_writes_an_audit_row(rep_a):
    task = _task(rep_a)
    new_due = dt.datetime(2026, 12, 1, 15, 0, tzinfo=TEHRAN)
    task = replan_activity(actor=rep_a, activity=task, version=task.version, due_at=new_due)
    assert task.due_at == new_due
    entry = AuditEntry.objects.filter(object_id=task.pk, action="update").latest("pk")
    assert "due_at" in entry.changes and entry.actor == rep_a


def test_a_manager_reassigns_to_someone_of_their_team(manager_a, rep_a, rep_a2):
    task = _task(rep_a)
    task = replan_activity(actor=manager_a, activity=task, version=task.version, owner=rep_a2.pk)
    assert task.owner == rep_a2
    assert AuditEntry.objects.filter(object_id=task.pk, action="update").latest("pk").changes["owner"]


def test_a_manager_may_not_give_an_activity_to_another_team(manager_a, rep_a, rep_b):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        replan_activity(actor=manager_a, activity=task, version=task.version, owner=rep_b.pk)
    assert "owner" in _field_errors(exc)
    task.refresh_from_db()
    assert task.owner == rep_a


def test_a_rep_may_not_give_their_activity_to_a_teammate(rep_a, rep_a2):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        replan_activity(actor=rep_a, activity=task, version=task.version, owner=rep_a2.pk)
    assert _field_errors(exc)["owner"] == "You may not give records to this user."


@pytest.mark.parametrize("bad", ["next tuesday", "2026-13-45 10:00", "1405/09/10"])
def test_a_due_time_that_is_not_a_time_is_refused_on_its_field(rep_a, bad):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        replan_activity(actor=rep_a, activity=task, version=task.version, due_at=bad)
    assert "due_at" in _field_errors(exc)


def test_a_due_time_outside_the_calendar_is_refused_on_its_field(rep_a):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        replan_activity(actor=rep_a, activity=task, version=task.version, due_at="1800-01-01T10:00:00+03:30")
    assert "due_at" in _field_errors(exc)


def test_nothing_to_change_is_refused(rep_a):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        replan_activity(actor=rep_a, activity=task, version=task.version)
    assert "due_at" in _field_errors(exc)


def test_a_done_activity_is_not_replanned(rep_a):
    task = _task(rep_a, done=True)
    with pytest.raises(ValidationFailed):
        postpone_activity(actor=rep_a, activity=task, version=task.version, days=1)


def test_replanning_from_a_stale_page_is_refused(rep_a):
    task = _task(rep_a)
    old_version = task.version
    replan_activity(actor=rep_a, activity=task, version=old_version, due_at=NOW + dt.timedelta(days=3))
    with pytest.raises(StaleVersion):
        replan_activity(
            actor=rep_a,
            activity=Activity.objects.get(pk=task.pk),
            version=old_version,
            due_at=NOW + dt.timedelta(days=4),
        )


def test_postponing_keeps_the_time_of_day(rep_a):
    task = _task(rep_a)
    task = postpone_activity(actor=rep_a, activity=task, version=task.version, days=7)
    assert task.due_at == dt.datetime(2026, 12, 3, 10, 30, tzinfo=TEHRAN)
    task = postpone_activity(actor=rep_a, activity=task, version=task.version, days=1)
    assert task.due_at == dt.datetime(2026, 12, 4, 10, 30, tzinfo=TEHRAN)


def test_postponing_an_activity_without_a_due_time_plans_it_at_nine(rep_a):
    task = create_activity(actor=rep_a, values={"kind": "task", "subject": "Think about it"})
    task = postpone_activity(actor=rep_a, activity=task, version=task.version, days=1)
    assert task.due_at == dt.datetime(2026, 11, 26, 9, 0, tzinfo=TEHRAN)


def test_only_a_day_or_a_week_is_a_quick_move(rep_a):
    task = _task(rep_a)
    with pytest.raises(ValidationFailed) as exc:
        postpone_activity(actor=rep_a, activity=task, version=task.version, days=365)
    assert "shift" in _field_errors(exc)


# --- over HTTP --------------------------------------------------------------------------------------------------


def test_the_form_takes_a_jalali_date_on_a_persian_page(rep_a):
    task = _task(rep_a)
    response = browser_for(rep_a, "fa").post(
        reverse("activities:plan", args=[task.pk]), {"version": task.version, "due_at": "1405/09/20 16:45"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:detail", args=[task.pk]
    )
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 12, 11, 16, 45, tzinfo=TEHRAN)


def test_a_mistyped_date_is_shown_on_the_field_in_the_dialog(rep_a):
    task = _task(rep_a)
    response = browser_for(rep_a).post(
        reverse("activities:plan", args=[task.pk]),
        {"version": task.version, "due_at": "tomorrow-ish"},
        headers={"HX-Request": "true", "HX-Target": "quick-dialog-body"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the dialog's partial
    assert 'id="id_due_at_error"' in html and "Enter a date and time such as 2025-11-25 14:30." in html
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 11, 26, 10, 30, tzinfo=TEHRAN)


def test_saving_in_the_dialog_refreshes_the_page_it_was_opened_on(rep_a):
    task = _task(rep_a)
    response = browser_for(rep_a).post(
        reverse("activities:plan", args=[task.pk]),
        {"version": task.version, "due_at": "2026-12-02 08:15"},
        headers={"HX-Request": "true", "HX-Target": "quick-dialog-body"},
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 12, 2, 8, 15, tzinfo=TEHRAN)


def test_the_owner_field_lists_only_whom_the_manager_may_assign_to(manager_a, rep_a, rep_a2, rep_b):
    task = _task(rep_a)
    html = browser_for(manager_a).get(reverse("activities:plan", args=[task.pk])).content.decode()
    assert 'name="owner"' in html
    assert "rep_a2" in html and "rep_b" not in html


def test_a_rep_gets_no_owner_field_and_a_forged_owner_is_ignored(rep_a, rep_a2):
    task = _task(rep_a)
    client = browser_for(rep_a)
    assert 'name="owner"' not in client.get(reverse("activities:plan", args=[task.pk])).content.decode()
    client.post(
        reverse("activities:plan", args=[task.pk]),
        {"version": task.version, "due_at": "2026-12-02 08:15", "owner": rep_a2.pk},
    )
    task.refresh_from_db()
    assert task.owner == rep_a


def test_a_manager_posting_an_owner_of_another_team_is_refused_on_the_field(manager_a, rep_a, rep_b):
    task = _task(rep_a)
    response = browser_for(manager_a).post(
        reverse("activities:plan", args=[task.pk]), {"version": task.version, "owner": rep_b.pk}
    )
    assert response.status_code == 200
    assert 'id="id_owner_error"' in response.content.decode()
    task.refresh_from_db()
    assert task.owner == rep_a


def test_quick_buttons_move_a_day_and_go_back_to_the_list(rep_a):
    task = _task(rep_a)
    back = reverse("activities:list") + "?open=true"
    response = browser_for(rep_a).post(
        reverse("activities:plan", args=[task.pk]), {"version": task.version, "shift": "1", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 11, 27, 10, 30, tzinfo=TEHRAN)


def test_a_quick_move_from_a_stale_row_says_why_and_changes_nothing(rep_a):
    task = _task(rep_a)
    client = browser_for(rep_a)
    response = client.post(
        reverse("activities:plan", args=[task.pk]), {"version": task.version - 1, "shift": "7"}, follow=True
    )
    task.refresh_from_db()
    assert task.due_at == dt.datetime(2026, 11, 26, 10, 30, tzinfo=TEHRAN)
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_next_may_not_lead_off_the_site(rep_a):
    task = _task(rep_a)
    response = browser_for(rep_a).post(
        reverse("activities:plan", args=[task.pk]),
        {"version": task.version, "shift": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("activities:detail", args=[task.pk])


def test_another_teams_activity_is_not_found(rep_a, rep_b):
    task = _task(rep_b)
    client = browser_for(rep_a)
    assert client.get(reverse("activities:plan", args=[task.pk])).status_code == 404
    assert client.post(reverse("activities:plan", args=[task.pk]), {"shift": "1"}).status_code == 404


def test_the_controls_are_on_the_list_my_day_the_page_and_the_timeline(rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "Ten printers"})
    task = _task(rep_a, due=NOW + dt.timedelta(hours=2), record=deal)
    plan = reverse("activities:plan", args=[task.pk])
    client = browser_for(rep_a)
    for page in (
        reverse("activities:list"),
        reverse("home"),
        reverse("activities:detail", args=[task.pk]),
        reverse("deals:detail", args=[deal.pk]),
    ):
        html = client.get(page).content.decode()
        assert f'hx-get="{plan}?next=' in html, page
        assert 'name="shift" value="1"' in html, page


def test_a_done_activity_offers_no_reschedule(rep_a):
    task = _task(rep_a, done=True)
    html = browser_for(rep_a).get(reverse("activities:detail", args=[task.pk])).content.decode()
    assert reverse("activities:plan", args=[task.pk]) not in html


def test_an_activity_is_marked_done_from_its_row_in_the_list(rep_a):
    task = _task(rep_a)
    client = browser_for(rep_a)
    page = client.get(reverse("activities:list")).content.decode()
    done_url = reverse("activities:done", args=[task.pk])
    assert f'action="{done_url}"' in page
    back = reverse("activities:list")
    response = client.post(done_url, {"version": task.version, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    task.refresh_from_db()
    assert task.done_at is not None
    assert f'action="{done_url}"' not in client.get(back).content.decode()
