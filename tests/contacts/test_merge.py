"""Merging duplicates into one survivor and undoing it: fields, moved rows, tags, audit, visibility."""

import pytest

from peyvand.activities.models import Activity, ActivityLink
from peyvand.activities.services import create_activity
from peyvand.contacts.merge import merge_records, undo_merge
from peyvand.contacts.models import Company, Contact, MergeRecord
from peyvand.contacts.services import create_company, create_contact
from peyvand.core.audit import audit_for
from peyvand.core.errors import NotFound, PeyvandError, StaleVersion
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(rep_a, pipeline):
    survivor = create_contact(
        actor=rep_a,
        values={
            "first_name": "علی",
            "last_name": "کریمی",
            "phones": ["09121234567"],
            "city": "تهران",
            "tags": ["VIP"],
        },
    )
    other = create_contact(
        actor=rep_a,
        values={
            "first_name": "علی",
            "last_name": "کریمی‌نژاد",
            "title": "مدیر فروش",
            "phones": ["09351234567"],
            "emails": ["ali@example.com"],
            "city": "کرج",
            "tags": ["Tehran fair"],
        },
        allow_duplicate=True,
    )
    deal = create_deal(actor=rep_a, values={"title": "Steel order", "contact": other.pk})
    activity = create_activity(actor=rep_a, values={"subject": "Call Ali", "record": other})
    return survivor, other, deal, activity


def test_merge_keeps_chosen_values_joins_lists_and_moves_related_rows(twins, rep_a):
    survivor, other, deal, activity = twins
    merge = merge_records(
        actor=rep_a, survivor=survivor, others=[other], choices={"last_name": other.pk, "title": other.pk}
    )
    survivor.refresh_from_db()
    assert survivor.last_name == "کریمی‌نژاد"
    assert survivor.title == "مدیر فروش"
    assert survivor.city == "تهران"
    assert survivor.phones == ["+989121234567", "+989351234567"]
    assert survivor.emails == ["ali@example.com"]
    assert sorted(t.name for t in survivor.tags.all()) == ["Tehran fair", "VIP"]
    assert Deal.objects.get(pk=deal.pk).contact_id == survivor.pk
    assert Activity.objects.get(pk=activity.pk).record_id == survivor.pk
    link = ActivityLink.objects.get(activity=activity, record_type="contact")
    assert link.record_id == survivor.pk
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert Contact.all_objects.get(pk=other.pk).deleted_at is not None
    assert merge.moved == {
        "sales.Deal.contact": {str(other.pk): [deal.pk]},
        "activities.Activity.record": {str(other.pk): [activity.pk]},
        "activities.ActivityLink.record": {str(other.pk): [link.pk]},
    }
    moved_deal = Deal.objects.get(pk=deal.pk)
    assert moved_deal.version == deal.version + 1
    assert audit_for(moved_deal).first().changes == {"contact": [other.pk, survivor.pk]}


def test_merge_writes_a_note_on_the_survivor_and_on_each_merged_record(twins, rep_a):
    survivor, other, _, _ = twins
    merge_records(actor=rep_a, survivor=survivor, others=[other], choices={})
    assert audit_for(survivor).first().note.startswith(f"Merged with #{other.pk}")
    assert audit_for(other).first().note.startswith(f"Merged into #{survivor.pk}")


def test_undo_restores_the_records_their_rows_and_the_survivors_values(twins, rep_a):
    survivor, other, deal, activity = twins
    merge = merge_records(actor=rep_a, survivor=survivor, others=[other], choices={"last_name": other.pk})
    undo_merge(actor=rep_a, merge=merge)
    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.deleted_at is None
    assert survivor.last_name == "کریمی"
    assert survivor.phones == ["+989121234567"]
    assert survivor.emails == []
    assert [t.name for t in survivor.tags.all()] == ["VIP"]
    assert Deal.objects.get(pk=deal.pk).contact_id == other.pk
    assert Activity.objects.get(pk=activity.pk).record_id == other.pk
    assert ActivityLink.objects.get(activity=activity, record_type="contact").record_id == other.pk
    assert MergeRecord.objects.get(pk=merge.pk).undone_at is not None
    assert "undone" in audit_for(survivor).first().note
    with pytest.raises(PeyvandError) as twice:
        undo_merge(actor=rep_a, merge=merge)
    assert twice.value.code == "merge.already_undone"


def test_merging_companies_moves_their_contacts_deals_and_leads(rep_a, pipeline):
    from peyvand.leads.services import create_lead

    keep = create_company(actor=rep_a, values={"name": "پارس نوین", "city": "تهران"})
    drop = create_company(actor=rep_a, values={"name": "پارس نوين", "city": "تهران"}, allow_duplicate=True)
    person = create_contact(actor=rep_a, values={"last_name": "Nouri", "company": drop.pk})
    deal = create_deal(actor=rep_a, values={"title": "Order", "company": drop.pk})
    lead = create_lead(actor=rep_a, values={"last_name": "Lead", "company": drop.pk})
    merge = merge_records(actor=rep_a, survivor=keep, others=[drop])
    assert Contact.objects.get(pk=person.pk).company_id == keep.pk
    assert Deal.objects.get(pk=deal.pk).company_id == keep.pk
    assert Lead.objects.get(pk=lead.pk).company_id == keep.pk
    assert not Company.objects.filter(pk=drop.pk).exists()
    undo_merge(actor=rep_a, merge=merge)
    assert Contact.objects.get(pk=person.pk).company_id == drop.pk
    assert Lead.objects.get(pk=lead.pk).company_id == drop.pk


def test_merging_a_record_the_actor_cannot_see_is_not_found(twins, rep_a, rep_b):
    survivor, other, deal, _ = twins
    foreign = create_contact(actor=rep_b, values={"last_name": "کریمی"})
    with pytest.raises(NotFound):
        merge_records(actor=rep_a, survivor=survivor, others=[foreign])
    with pytest.raises(NotFound):
        merge_records(actor=rep_b, survivor=foreign, others=[survivor])
    assert Contact.objects.filter(pk=foreign.pk).exists()
    assert Deal.objects.get(pk=deal.pk).contact_id == other.pk


def test_merge_refuses_a_survivor_changed_since_the_user_saw_it(twins, rep_a):
    from peyvand.contacts.services import update_contact

    survivor, other, deal, _ = twins
    seen = survivor.version
    update_contact(actor=rep_a, contact=survivor, version=seen, values={"title": "CEO"})
    with pytest.raises(StaleVersion):
        merge_records(actor=rep_a, survivor=survivor, others=[other], version=seen)
    assert Contact.objects.filter(pk=other.pk).exists()
    assert Deal.objects.get(pk=deal.pk).contact_id == other.pk


def test_merge_api_merges_and_undoes(twins, rep_a, api_for):
    survivor, other, deal, _ = twins
    api = api_for(rep_a)
    answer = api.post(
        "/duplicates/merge",
        {
            "entity": "contact",
            "survivor": survivor.pk,
            "others": [other.pk],
            "choices": {"title": other.pk},
            "version": survivor.version,
        },
    )
    assert answer.status_code == 201, answer.content
    merge_id = answer.json()["id"]
    assert Contact.objects.get(pk=survivor.pk).title == "مدیر فروش"
    answer = api.post(f"/duplicates/merges/{merge_id}/undo")
    assert answer.status_code == 200, answer.content
    assert answer.json()["undone_at"] is not None
    assert Deal.objects.get(pk=deal.pk).contact_id == other.pk


def test_merge_api_answers_404_for_a_record_of_another_team(twins, rep_a, rep_b, api_for):
    survivor, other, _, _ = twins
    answer = api_for(rep_b).post(
        "/duplicates/merge",
        {"entity": "contact", "survivor": survivor.pk, "others": [other.pk], "choices": {}},
    )
    assert answer.status_code == 404
    assert "کریمی" not in answer.content.decode()
    merge = merge_records(actor=rep_a, survivor=survivor, others=[other])
    assert api_for(rep_b).post(f"/duplicates/merges/{merge.pk}/undo").status_code == 404
    assert Contact.all_objects.get(pk=other.pk).deleted_at is not None


def _browser(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_merge_screen_shows_each_field_side_by_side_with_a_choice(twins, rep_a):
    survivor, other, _, _ = twins
    page = (
        _browser(rep_a)
        .get(f"/duplicates/merge/?entity=contact&ids={survivor.pk},{other.pk}")
        .content.decode()
    )
    assert f'name="survivor" value="{other.pk}"' in page
    assert f'name="field_last_name" value="{other.pk}"' in page
    assert "کریمی‌نژاد" in page and "+989351234567" in page


def test_merge_screen_of_a_record_the_user_cannot_see_is_404_and_merges_nothing(twins, rep_a, rep_b):
    survivor, other, deal, _ = twins
    client = _browser(rep_b)
    url = f"/duplicates/merge/?entity=contact&ids={survivor.pk},{other.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"survivor": survivor.pk}).status_code == 404
    assert Contact.objects.filter(pk=other.pk).exists()
    merge = merge_records(actor=rep_a, survivor=survivor, others=[other])
    assert client.get(f"/duplicates/merges/{merge.pk}/").status_code == 404
    assert client.post(f"/duplicates/merges/{merge.pk}/undo/").status_code == 404
    assert MergeRecord.objects.get(pk=merge.pk).undone_at is None


def test_merge_screen_refuses_nonsense_ids(rep_a):
    client = _browser(rep_a)
    for ids in ("", "1", "a,b", "1,99999999999999999999999"):
        assert client.get(f"/duplicates/merge/?entity=contact&ids={ids}").status_code == 404
    assert client.get("/duplicates/merge/?entity=deal&ids=1,2").status_code == 404


def test_the_latest_merge_into_a_record_is_offered_for_undo_until_undone(twins, rep_a, rep_b):
    from peyvand.contacts.merge import undoable_merge_for

    survivor, other, _, _ = twins
    assert undoable_merge_for(survivor, rep_a) is None
    merge = merge_records(actor=rep_a, survivor=survivor, others=[other])
    assert undoable_merge_for(survivor, rep_a) == merge
    assert undoable_merge_for(survivor, rep_b) is None
    undo_merge(actor=rep_a, merge=merge)
    assert undoable_merge_for(survivor, rep_a) is None


def test_the_survivors_page_offers_undo_and_the_button_undoes_the_merge(twins, rep_a):
    from django.test import Client

    survivor, other, _, _ = twins
    merge = merge_records(actor=rep_a, survivor=survivor, others=[other])
    client = Client()
    client.force_login(rep_a)
    page = client.get(f"/contacts/{survivor.pk}/").content.decode()
    assert f'action="/duplicates/merges/{merge.pk}/undo/"' in page

    client.post(f"/duplicates/merges/{merge.pk}/undo/")

    other.refresh_from_db()
    assert other.deleted_at is None
    assert (
        f"/duplicates/merges/{merge.pk}/undo/" not in client.get(f"/contacts/{survivor.pk}/").content.decode()
    )


def test_files_and_comments_follow_the_merge_and_go_back_on_undo(twins, rep_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peyvand.comments.models import Comment
    from peyvand.comments.services import add_comment
    from peyvand.files.models import Attachment
    from peyvand.files.services import attach_file

    settings.MEDIA_ROOT = tmp_path
    survivor, other, _, _ = twins
    upload = SimpleUploadedFile("offer.txt", b"Ten printers", content_type="text/plain")
    attachment = attach_file(actor=rep_a, record_type="contact", record_id=other.pk, upload=upload)
    comment = add_comment(actor=rep_a, record_type="contact", record_id=other.pk, body="Prefers mornings")
    kept = add_comment(actor=rep_a, record_type="contact", record_id=survivor.pk, body="Met at the fair")

    merge = merge_records(actor=rep_a, survivor=survivor, others=[other], choices={})
    assert Attachment.objects.get(pk=attachment.pk).record_id == survivor.pk
    assert Comment.objects.get(pk=comment.pk).record_id == survivor.pk
    assert merge.moved["files.Attachment.record"] == {str(other.pk): [attachment.pk]}
    assert merge.moved["comments.Comment.record"] == {str(other.pk): [comment.pk]}

    undo_merge(actor=rep_a, merge=merge)
    assert Attachment.objects.get(pk=attachment.pk).record_id == other.pk
    assert Comment.objects.get(pk=comment.pk).record_id == other.pk
    assert Comment.objects.get(pk=kept.pk).record_id == survivor.pk
