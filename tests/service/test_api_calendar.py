"""The service calendar's API (/api/v1/field-jobs, /api/v1/service-resources) over real HTTP with bearer tokens:
who may do what, conflicts answered 409 naming each one, bad input naming the field."""

import pytest

from peyvand.accounts.models import Role
from peyvand.service.models_calendar import FieldJob
from tests.factories import UserFactory
from tests.service.calendar_helpers import instrument, plain, technician

pytestmark = pytest.mark.django_db

START, END = "2026-12-12T10:00:00+03:30", "2026-12-12T12:00:00+03:30"


@pytest.fixture
def ali(team_a):
    return technician("ali", "Ali", "Rezaei", team_a)


def _body(ali, **values):
    return {"title": "Install router", "starts_at": START, "ends_at": END, "technicians": [ali.pk], **values}


def test_a_conflict_is_a_409_naming_the_technician_and_the_instrument(api_for, agent_a, ali):
    analyser = instrument()
    api = api_for(agent_a)
    first = api.post("/field-jobs", _body(ali, resources=[analyser.pk]))
    assert first.status_code == 201, first.content
    job = first.json()
    assert job["technicians"] == [ali.pk] and job["resources"] == [analyser.pk] and job["status"] == "planned"
    refused = api.post(
        "/field-jobs",
        _body(ali, title="Other", starts_at="2026-12-12T11:00:00+03:30", resources=[analyser.pk]),
    )
    assert refused.status_code == 409 and refused.json()["code"] == "field_job.conflict"
    assert [e["field"] for e in refused.json()["errors"]] == ["technicians", "resources"]
    assert f"Ali Rezaei is already on job #{job['id']} «Install router»" in plain(
        refused.json()["errors"][0]["message"]
    )
    assert "Spectrum analyser (SA-1) is already booked" in plain(refused.json()["errors"][1]["message"])
    touching = api.post("/field-jobs", _body(ali, starts_at=END, ends_at="2026-12-12T13:00:00+03:30"))
    assert touching.status_code == 201
    moved = api.patch(f"/field-jobs/{job['id']}", {"version": job["version"], "status": "done"})
    assert moved.status_code == 200 and moved.json()["status"] == "done" and moved.json()["version"] == 2
    stale = api.patch(f"/field-jobs/{job['id']}", {"version": 1, "status": "cancelled"})
    assert stale.status_code == 409
    listed = api.get("/field-jobs", technician=ali.pk, **{"from": "2026-12-12", "to": "2026-12-12"})
    assert listed.json()["count"] == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"ends_at": "2026-12-12T09:00:00+03:30"}, "ends_at"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"technicians": []}, "technicians"),
        ({"technicians": [987654]}, "technicians"),
        ({"resources": ["x"]}, "resources"),
        ({"ticket": 987654}, "ticket"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api_for, agent_a, ali, values, field):
    response = api_for(agent_a).post("/field-jobs", _body(ali, **values))
    assert response.status_code == 422, response.content
    assert field in [e["field"].split(".")[0] for e in response.json()["errors"]]


def test_each_role_gets_what_it_may_from_every_job_and_resource_operation(
    api_for, admin, team_a, team_b, ali
):
    """Schedulers (support roles, managers, administrators) read and write every job; anyone else reads the jobs
    they are on; everyone reads resources; only administrators write them."""
    roles = {
        "admin": admin,
        "support_a": UserFactory(username="support_a", role=Role.SUPPORT_AGENT, team=team_a),
        "support_manager_b": UserFactory(
            username="support_manager_b", role=Role.SUPPORT_MANAGER, team=team_b
        ),
        "manager_a": UserFactory(username="manager_a", role=Role.SALES_MANAGER, team=team_a),
        "rep_a": UserFactory(username="rep_a", role=Role.SALES_REP, team=team_a),
        "marketer_b": UserFactory(username="marketer_b", role=Role.MARKETER, team=team_b),
    }
    schedulers = {"admin", "support_a", "support_manager_b", "manager_a"}
    resource = instrument()
    hour = 8
    for name, user in roles.items():
        api = api_for(user)
        hour += 1
        created = api.post(
            "/field-jobs",
            _body(
                ali,
                starts_at=f"2026-12-12T{hour:02d}:00:00+03:30",
                ends_at=f"2026-12-12T{hour:02d}:30:00+03:30",
            ),
        )
        assert created.status_code == (201 if name in schedulers else 403), name
        job = FieldJob.objects.order_by("-pk").first()
        read = api.get(f"/field-jobs/{job.pk}")
        assert read.status_code == (200 if name in schedulers else 404), name
        patched = api.patch(f"/field-jobs/{job.pk}", {"notes": "Bring the ladder"})
        assert patched.status_code == (200 if name in schedulers else 404), name
        listed = api.get("/field-jobs")
        assert listed.status_code == 200 and listed.json()["count"] == (
            FieldJob.objects.count() if name in schedulers else 0
        ), name
        assert api.get("/service-resources").status_code == 200
        made = api.post("/service-resources", {"kind": "tool", "name": f"Ladder {name}"})
        assert made.status_code == (201 if name == "admin" else 403), name
        changed = api._call(
            "put", f"/service-resources/{resource.pk}", {"kind": "instrument", "name": "Analyser"}
        )
        assert changed.status_code == (200 if name == "admin" else 403), name
    # someone who is on a job reads it, though they do not schedule
    on_it = roles["rep_a"]
    job = FieldJob.objects.first()
    job.technicians.add(on_it)
    assert api_for(on_it).get(f"/field-jobs/{job.pk}").status_code == 200
    assert api_for(on_it).patch(f"/field-jobs/{job.pk}", {"notes": "x"}).status_code == 403
    assert api_for(on_it).get("/field-jobs").json()["count"] == 1
