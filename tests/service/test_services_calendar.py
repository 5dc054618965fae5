"""Scheduling field jobs: overlaps refused naming the conflict, touching jobs allowed, meetings count as busy,
working hours flagged or refused, and two schedulers racing on PostgreSQL cannot both book one technician."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from peyvand.activities.models import ActivityKind
from peyvand.activities.services import create_activity
from peyvand.core.errors import PeyvandError, ValidationFailed
from peyvand.core.jalali import persian_digits
from peyvand.core.models import AuditEntry
from peyvand.service import services_calendar
from peyvand.service.models_calendar import CalendarSettings, FieldJob
from tests.service.calendar_helpers import FRIDAY, at, instrument, job, plain, technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def ali(team_a):
    return technician("ali", "Ali", "Rezaei", team_a)


@pytest.fixture
def sara(team_a):
    return technician("sara", "Sara", "Moradi", team_a)


@pytest.fixture
def analyser(db):
    return instrument()


def test_a_technician_in_two_overlapping_jobs_is_refused_naming_the_job(agent_a, ali):
    first = job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    with translation.override("en"), pytest.raises(PeyvandError) as refused:
        job(agent_a, title="Fix modem", start=at(11), end=at(13), technicians=[ali])
    error = refused.value
    assert error.status == 409 and error.code == "field_job.conflict"
    assert [{**e, "message": plain(e["message"])} for e in error.errors] == [
        {
            "field": "technicians",
            "message": f"Ali Rezaei is already on job #{first.pk} «Install router» 12 December 10:00–12:00.",
        }
    ]
    assert FieldJob.objects.count() == 1


def test_an_instrument_in_two_overlapping_jobs_is_refused_naming_it(agent_a, ali, sara, analyser):
    first = job(
        agent_a, title="Measure the line", start=at(9), end=at(11), technicians=[ali], resources=[analyser]
    )
    with translation.override("en"), pytest.raises(PeyvandError) as refused:
        job(
            agent_a,
            title="Second site",
            start=at(10, 30),
            end=at(12),
            technicians=[sara],
            resources=[analyser],
        )
    assert [e["field"] for e in refused.value.errors] == ["resources"]
    assert plain(refused.value.errors[0]["message"]) == (
        f"Spectrum analyser (SA-1) is already booked for job #{first.pk} «Measure the line» 12 December 09:00–11:00."
    )


def test_the_refusal_names_every_conflict_in_persian_too(agent_a, ali, analyser):
    first = job(agent_a, title="نصب روتر", start=at(10), end=at(12), technicians=[ali], resources=[analyser])
    with translation.override("fa"), pytest.raises(PeyvandError) as refused:
        job(agent_a, title="x", start=at(11), end=at(12), technicians=[ali], resources=[analyser])
    messages = [plain(e["message"]) for e in refused.value.errors]
    assert len(messages) == 2
    assert (
        f"#{persian_digits(str(first.pk))}" in messages[0]
        and "«نصب روتر»" in messages[0]
        and "۱۰:۰۰–۱۲:۰۰" in messages[0]
    )


def test_back_to_back_jobs_are_not_a_conflict(agent_a, ali, analyser):
    job(agent_a, title="Morning", start=at(8), end=at(10), technicians=[ali], resources=[analyser])
    after = job(agent_a, title="Next", start=at(10), end=at(12), technicians=[ali], resources=[analyser])
    before = job(agent_a, title="Early", start=at(7), end=at(8), technicians=[ali], resources=[analyser])
    assert after.pk and before.pk and FieldJob.objects.count() == 3


def test_a_cancelled_job_frees_its_technician_and_a_job_does_not_conflict_with_itself(agent_a, ali):
    first = job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    moved = services_calendar.update_job(
        actor=agent_a, job=first, version=first.version, values={"starts_at": at(10, 30)}
    )
    assert moved.version == 2 and moved.starts_at == at(10, 30)
    services_calendar.update_job(actor=agent_a, job=moved, version=2, values={"status": "cancelled"})
    assert job(agent_a, title="Instead", start=at(10), end=at(12), technicians=[ali]).pk
    assert AuditEntry.objects.filter(object_id=first.pk, action="update").count() == 2


def test_moving_a_job_onto_anothers_time_is_refused(agent_a, ali):
    job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    later = job(agent_a, title="Later", start=at(13), end=at(14), technicians=[ali])
    with pytest.raises(PeyvandError) as refused:
        services_calendar.update_job(actor=agent_a, job=later, version=1, values={"starts_at": at(11)})
    assert refused.value.code == "field_job.conflict"
    later.refresh_from_db()
    assert later.starts_at == at(13) and later.version == 1


def test_a_technicians_meeting_counts_as_busy(agent_a, ali):
    create_activity(
        actor=ali,
        values={
            "kind": ActivityKind.MEETING,
            "subject": "Budget review",
            "due_at": at(9, 30),
            "duration_minutes": 60,
        },
    )
    with translation.override("en"), pytest.raises(PeyvandError) as refused:
        job(agent_a, title="Install router", start=at(10), end=at(12), technicians=[ali])
    assert (
        plain(refused.value.errors[0]["message"])
        == "Ali Rezaei has the meeting «Budget review» 12 December 09:30–10:30."
    )
    assert job(agent_a, title="After it", start=at(10, 30), end=at(12), technicians=[ali]).pk


def test_a_job_outside_working_hours_or_on_a_day_off_is_flagged_or_refused_by_setting(agent_a, admin, ali):
    assert not job(agent_a, title="In hours", start=at(8), end=at(16), technicians=[ali]).outside_hours
    assert job(agent_a, title="Evening", start=at(17), end=at(18), technicians=[ali]).outside_hours
    assert job(
        agent_a, title="Friday", start=at(10, day=FRIDAY), end=at(11, day=FRIDAY), technicians=[ali]
    ).outside_hours
    services_calendar.save_calendar_settings(
        actor=admin, values={"day_start": "07:00", "day_end": "19:00", "refuse_outside_hours": True}
    )
    assert CalendarSettings.objects.get().refuse_outside_hours
    assert not job(agent_a, title="Now in hours", start=at(18), end=at(19), technicians=[ali]).outside_hours
    with pytest.raises(PeyvandError) as refused:
        job(agent_a, title="Night", start=at(20), end=at(21), technicians=[ali])
    assert refused.value.code == "field_job.outside_hours" and refused.value.errors[0]["field"] == "starts_at"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"ends_at": "2026-12-12T09:00:00"}, "ends_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"technicians": []}, "technicians"),
        ({"technicians": [999_999]}, "technicians"),
        ({"resources": [999_999]}, "resources"),
        ({"ticket": 999_999}, "ticket"),
        ({"status": "lost"}, "status"),
    ],
)
def test_bad_input_names_the_field(agent_a, ali, values, field):
    base = {"title": "Job", "starts_at": at(10), "ends_at": at(11), "technicians": [ali.pk]}
    with pytest.raises(ValidationFailed) as refused:
        services_calendar.schedule_job(actor=agent_a, values={**base, **values})
    assert field in [e["field"] for e in refused.value.errors]


def test_only_those_who_work_the_queue_schedule_and_only_administrators_keep_resources(
    rep_a, agent_a, admin, ali
):
    with pytest.raises(PeyvandError) as refused:
        job(rep_a, title="Job", start=at(10), end=at(11), technicians=[ali])
    assert refused.value.status == 403
    with pytest.raises(PeyvandError) as refused:
        services_calendar.save_resource(actor=agent_a, values={"kind": "tool", "name": "Ladder"})
    assert refused.value.status == 403
    ladder = services_calendar.save_resource(
        actor=admin, values={"kind": "tool", "name": "Ladder", "code": "l-۲"}
    )
    assert ladder.code == "L-2"
    with pytest.raises(ValidationFailed) as refused:
        services_calendar.save_resource(actor=admin, values={"kind": "tool", "name": "Other", "code": "L-2"})
    assert refused.value.errors[0]["field"] == "code"


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_cannot_both_book_one_technician_and_instrument(team_a):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL")
    from peyvand.accounts.models import Role
    from tests.factories import UserFactory

    scheduler = UserFactory(username="scheduler", role=Role.SUPPORT_MANAGER, team=team_a)
    ali = technician("ali", "Ali", "Rezaei", team_a)
    sara = technician("sara", "Sara", "Moradi", team_a)
    analyser = instrument()
    for round_, (people_a, people_b) in enumerate((([ali], [ali]), ([ali], [sara]))):
        FieldJob.objects.all().delete()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def schedule(people, title, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                job(
                    scheduler, title=title, start=at(10), end=at(12), technicians=people, resources=[analyser]
                )
                outcomes.append("booked")
            except PeyvandError as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=schedule, args=(people_a, "A")),
            threading.Thread(target=schedule, args=(people_b, "B")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # the same technician (round 0) or only the same instrument (round 1): one books, the other is refused
        assert sorted(outcomes) == ["booked", "field_job.conflict"], round_
        assert FieldJob.objects.count() == 1


def test_a_ticket_is_named_through_the_schedulers_sight_and_kept_when_unchanged(
    agent_a, agent_b, ali, ticket
):
    made = job(agent_a, title="Visit", start=at(10), end=at(11), technicians=[ali], ticket=ticket.pk)
    assert made.ticket == ticket and made.contact == ticket.contact
    with pytest.raises(ValidationFailed) as refused:  # another queue's ticket: no such ticket for agent_b
        job(agent_b, title="Other", start=at(12), end=at(13), technicians=[ali], ticket=ticket.pk)
    assert refused.value.errors[0]["field"] == "ticket"
    changed = services_calendar.update_job(
        actor=agent_b, job=made, version=1, values={"ticket": ticket.pk, "notes": "Bring a ladder"}
    )
    assert changed.ticket == ticket and changed.notes == "Bring a ladder"
