"""The background duplicate scan: planted duplicates found, groups stored and listed within visibility."""

import pytest
from django.test import Client

from bench.contacts_data import duplicate_pairs
from bench.dedupe_scan import _clean_rows, _load
from peyvand.contacts.duplicates import groups_visible_to
from peyvand.contacts.models import DuplicateGroup, DuplicateGroupStatus
from peyvand.contacts.services import create_company, create_contact
from peyvand.contacts.tasks import start_duplicate_scan
from peyvand.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Start a scan as the page does; the job runs when the request's transaction commits."""

    def run(actor, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return start_duplicate_scan(actor=actor, **kwargs)

    return run


def _browser(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_scan_finds_the_planted_duplicates_of_a_generated_set(admin, scan):
    good, truths = _clean_rows(3000, seed=7)
    row_of = _load(admin, good)
    job = scan(admin, entities=["contact"])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result["contact"]["groups"] == DuplicateGroup.objects.filter(entity="contact").count()
    found = set()
    for group in DuplicateGroup.objects.filter(entity="contact").prefetch_related("members"):
        rows = sorted(row_of[m.object_id] for m in group.members.all())
        found.update((a, b) for i, a in enumerate(rows) for b in rows[i + 1 :])
    good_rows = {number for number, _ in good}
    planted = {(a, b) for a, b in duplicate_pairs(truths) if a in good_rows and b in good_rows}
    assert len(planted) > 100
    hits = len(found & planted)
    assert hits / len(planted) >= 0.95
    assert hits / len(found) >= 0.95


def test_scan_joins_a_record_without_phone_or_email_to_its_namesake_at_the_same_company(manager_a, scan):
    company = create_company(actor=manager_a, values={"name": "فولاد پارس"})
    full = create_contact(
        actor=manager_a,
        values={
            "first_name": "محمدرضا",
            "last_name": "حسین\u200cزاده",
            "company": company.pk,
            "phones": ["09121234567"],
        },
    )
    bare = create_contact(
        actor=manager_a,
        values={"first_name": "محمد رضا", "last_name": "حسين زاده", "company": company.pk},
        allow_duplicate=True,
    )
    scan(manager_a)
    group = DuplicateGroup.objects.get(entity="contact")
    assert [m.object_id for m in group.members.all()] == [full.pk, bare.pk]
    assert group.reasons == ["name 100 % alike, same company or city"]
    assert group.score == 90


def test_namesakes_with_their_own_phones_are_not_duplicates(manager_a, scan):
    for phone in ("09121234567", "09351234567"):
        create_contact(
            actor=manager_a,
            values={"first_name": "علی", "last_name": "احمدی", "city": "تهران", "phones": [phone]},
            allow_duplicate=True,
        )
    scan(manager_a)
    assert not DuplicateGroup.objects.exists()


def test_scan_again_replaces_open_groups_and_keeps_merged_ones(admin, scan):
    create_contact(actor=admin, values={"last_name": "A", "phones": ["09121234567"]})
    create_contact(actor=admin, values={"last_name": "B", "phones": ["09121234567"]}, allow_duplicate=True)
    scan(admin)
    DuplicateGroup.objects.update(status=DuplicateGroupStatus.MERGED)
    scan(admin)
    assert DuplicateGroup.objects.filter(status=DuplicateGroupStatus.MERGED).count() == 1
    assert DuplicateGroup.objects.filter(status=DuplicateGroupStatus.OPEN).count() == 1
    group = DuplicateGroup.objects.get(status=DuplicateGroupStatus.OPEN)
    assert group.score == 100
    assert group.reasons == ["same phone +989121234567"]


def test_groups_with_a_record_the_user_cannot_see_are_not_listed(admin, manager_a, rep_b, api_for, scan):
    create_contact(actor=manager_a, values={"last_name": "Ours", "phones": ["09121234567"]})
    create_contact(actor=rep_b, values={"last_name": "Theirs", "phones": ["09121234567"]})
    create_company(actor=manager_a, values={"name": "Acme", "emails": ["a@acme.example"]})
    create_company(
        actor=manager_a, values={"name": "Acme Co", "emails": ["A@acme.example"]}, allow_duplicate=True
    )
    scan(admin)
    assert groups_visible_to(admin, "contact").count() == 1
    assert groups_visible_to(manager_a, "contact").count() == 0
    assert groups_visible_to(manager_a, "company").count() == 1
    body = api_for(manager_a).get("/duplicates", entity="contact").json()
    assert body == {"items": [], "count": 0}
    page = _browser(manager_a).get("/duplicates/").content.decode()
    assert "Theirs" not in page
    admin_page = _browser(admin).get("/duplicates/").content.decode()
    assert "Theirs" in admin_page and "/duplicates/merge/?entity=contact" in admin_page


def test_only_managers_and_admins_see_the_duplicates_page_and_start_a_scan(
    rep_a, manager_a, api_for, django_capture_on_commit_callbacks
):
    assert _browser(rep_a).get("/duplicates/").status_code == 403
    assert api_for(rep_a).post("/duplicates/scan").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(manager_a).post("/duplicates/scan")
    assert answer.status_code == 202
    assert Job.objects.get(pk=answer.json()["id"]).status == JobStatus.DONE
    answer = _browser(manager_a).post("/duplicates/scan/")
    assert answer.status_code == 302 and answer["Location"].startswith("/jobs/")


def test_a_bare_record_joins_the_namesake_with_its_title_and_not_a_tie(manager_a, scan):
    company = create_company(actor=manager_a, values={"name": "کیان پخش"})
    same = {"first_name": "مریم", "last_name": "کریمی", "company": company.pk}
    buyer = create_contact(actor=manager_a, values={**same, "title": "Buyer", "phones": ["09121234567"]})
    create_contact(
        actor=manager_a, values={**same, "title": "CEO", "phones": ["09351234567"]}, allow_duplicate=True
    )
    bare = create_contact(actor=manager_a, values={**same, "title": "Buyer"}, allow_duplicate=True)
    untitled = create_contact(actor=manager_a, values={**same, "last_name": "كريمي"}, allow_duplicate=True)
    scan(manager_a)
    groups = [[m.object_id for m in g.members.all()] for g in DuplicateGroup.objects.all()]
    assert groups == [[buyer.pk, bare.pk]]
    assert untitled.pk not in groups[0]
