"""Moving the activities' four foreign keys to record links loses no row and no customer: each activity is on the
record it had (the deal first, then the lead, the contact, the company), linked to every record it had and to
the customer the reports read from it; merges recorded before still name what they moved; and going back
restores the foreign keys."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peyvand.contacts.services import create_company, create_contact
from peyvand.leads.services import create_lead
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("activities", "0006_deal_kind_done_at_index")]
AFTER = [("activities", "0007_record_links")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def records(rep_a, pipeline):
    parsco = create_company(actor=rep_a, values={"name": "Parsco"})
    other = create_company(actor=rep_a, values={"name": "Other"})
    sara = create_contact(actor=rep_a, values={"last_name": "Rezaei", "company": parsco})
    ali = create_contact(actor=rep_a, values={"last_name": "Karimi"})
    deal = create_deal(actor=rep_a, values={"title": "ERP", "contact": sara, "company": parsco})
    lead = create_lead(actor=rep_a, values={"last_name": "Ahmadi"})
    return {"parsco": parsco, "other": other, "sara": sara, "ali": ali, "deal": deal, "lead": lead}


def test_every_activity_keeps_its_record_and_customer_and_going_back_restores_the_keys(rep_a, records):
    r = records
    old = _migrate(BEFORE)
    Activity = old.get_model("activities", "Activity")
    MergeRecord = old.get_model("contacts", "MergeRecord")

    def make(subject, **keys):
        ids = {f"{name}_id": record.pk for name, record in keys.items()}
        return Activity.objects.create(subject=subject, owner_id=rep_a.pk, team_id=rep_a.team_id, **ids).pk

    rows = {
        # a deal's activity as the services wrote it, and one with only the deal: its customer is the deal's
        "deal-full": make("a", deal=r["deal"], contact=r["sara"], company=r["parsco"]),
        "deal-only": make("b", deal=r["deal"]),
        # a contact's company is its customer when the activity named none; one it named stays
        "contact": make("c", contact=r["sara"]),
        "contact-other-company": make("d", contact=r["sara"], company=r["other"]),
        "contact-alone": make("e", contact=r["ali"]),
        "company": make("f", company=r["parsco"]),
        "lead": make("g", lead=r["lead"]),
        "none": make("h"),
    }
    merge = MergeRecord.objects.create(
        entity="contact",
        survivor_id=r["sara"].pk,
        other_ids=[r["ali"].pk],
        moved={
            "sales.Deal.contact": {str(r["ali"].pk): [r["deal"].pk]},
            "activities.Activity.contact": {str(r["ali"].pk): [rows["contact"]]},
        },
    )

    new = _migrate(AFTER)
    Activity = new.get_model("activities", "Activity")
    ActivityLink = new.get_model("activities", "ActivityLink")

    def state(name):
        activity = Activity.objects.get(pk=rows[name])
        links = set(
            ActivityLink.objects.filter(activity_id=activity.pk).values_list("record_type", "record_id")
        )
        return (activity.record_type, activity.record_id), links

    deal, sara, parsco = r["deal"].pk, r["sara"].pk, r["parsco"].pk
    assert state("deal-full") == (("deal", deal), {("deal", deal), ("contact", sara), ("company", parsco)})
    assert state("deal-only") == (("deal", deal), {("deal", deal), ("contact", sara), ("company", parsco)})
    assert state("contact") == (("contact", sara), {("contact", sara), ("company", parsco)})
    assert state("contact-other-company") == (
        ("contact", sara),
        {("contact", sara), ("company", r["other"].pk)},
    )
    assert state("contact-alone") == (("contact", r["ali"].pk), {("contact", r["ali"].pk)})
    assert state("company") == (("company", parsco), {("company", parsco)})
    assert state("lead") == (("lead", r["lead"].pk), {("lead", r["lead"].pk)})
    assert state("none") == (("", None), set())
    assert Activity.objects.count() == len(rows)

    moved = new.get_model("contacts", "MergeRecord").objects.get(pk=merge.pk).moved
    link = ActivityLink.objects.get(activity_id=rows["contact"], record_type="contact")
    assert moved == {
        "sales.Deal.contact": {str(r["ali"].pk): [r["deal"].pk]},
        "activities.Activity.record": {str(r["ali"].pk): [rows["contact"]]},
        "activities.ActivityLink.record": {str(r["ali"].pk): [link.pk]},
    }

    back = _migrate(BEFORE)
    Activity = back.get_model("activities", "Activity")
    restored = Activity.objects.get(pk=rows["deal-only"])
    # going back keeps what the links knew: the deal's customer is now written on the activity
    assert (restored.deal_id, restored.contact_id, restored.company_id) == (deal, sara, parsco)
    assert Activity.objects.get(pk=rows["lead"]).lead_id == r["lead"].pk
    assert (
        "activities.Activity.contact"
        in back.get_model("contacts", "MergeRecord").objects.get(pk=merge.pk).moved
    )
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
