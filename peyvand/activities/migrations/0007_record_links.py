"""Activities move from four foreign keys (contact, company, deal, lead) to the generic record link.

Each activity keeps the record it was logged on as ``record_type``/``record_id`` (the deal when it had one, else
the lead, the contact, the company), and gets one ``ActivityLink`` per record it concerned: every foreign key it
had, with the customer the reports read from it (its contact, else the deal's; its company, else the deal's, else
the contact's) — so the reports count the same work for the same customers before and after. Merges recorded
before keep their undo: the activity rows they moved are named by their links.
"""

import django.db.models.deletion
from django.db import migrations, models

import peyvand.core.links

# (type name, foreign key column), in the order that picks the record an activity was logged on.
LINKS = (("deal", "deal_id"), ("lead", "lead_id"), ("contact", "contact_id"), ("company", "company_id"))


def _tables(apps):
    return {
        "activity": apps.get_model("activities", "Activity")._meta.db_table,
        "link": apps.get_model("activities", "ActivityLink")._meta.db_table,
        "deal": apps.get_model("sales", "Deal")._meta.db_table,
        "contact": apps.get_model("contacts", "Contact")._meta.db_table,
    }


def _checks_now(schema_editor) -> None:
    """On PostgreSQL foreign keys are checked at commit; rows written here must be checked before the same
    migration alters their tables, which PostgreSQL refuses while checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def fill_links(apps, schema_editor):
    _checks_now(schema_editor)
    q = schema_editor.quote_name
    t = {name: q(table) for name, table in _tables(apps).items()}
    kind = " ".join(f"WHEN {column} IS NOT NULL THEN '{name}'" for name, column in LINKS)
    first = ", ".join(column for _name, column in LINKS)
    customer = {
        "deal": "a.deal_id",
        "lead": "a.lead_id",
        "contact": f"COALESCE(a.contact_id, (SELECT d.contact_id FROM {t['deal']} d WHERE d.id = a.deal_id))",
        "company": (
            f"COALESCE(a.company_id, (SELECT d.company_id FROM {t['deal']} d WHERE d.id = a.deal_id),"
            f" (SELECT c.company_id FROM {t['contact']} c WHERE c.id = a.contact_id))"
        ),
    }
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['activity']} SET record_type = CASE {kind} ELSE '' END, record_id = COALESCE({first})"
        )
        for name, expression in customer.items():
            cursor.execute(
                f"INSERT INTO {t['link']} (activity_id, record_type, record_id)"
                f" SELECT a.id, '{name}', {expression} FROM {t['activity']} a WHERE {expression} IS NOT NULL"
            )
    _rename_merge_moves(apps, forward=True)


def restore_keys(apps, schema_editor):
    _checks_now(schema_editor)
    q = schema_editor.quote_name
    t = {name: q(table) for name, table in _tables(apps).items()}
    with schema_editor.connection.cursor() as cursor:
        for name, column in LINKS:
            cursor.execute(
                f"UPDATE {t['activity']} SET {column} = (SELECT l.record_id FROM {t['link']} l"
                f" WHERE l.activity_id = {t['activity']}.id AND l.record_type = '{name}')"
            )
    _rename_merge_moves(apps, forward=False)


def _rename_merge_moves(apps, *, forward: bool) -> None:
    """A merge remembers the rows it moved by "app.Model.field"; activities are now moved by their links."""
    MergeRecord = apps.get_model("contacts", "MergeRecord")
    ActivityLink = apps.get_model("activities", "ActivityLink")
    for merge in MergeRecord.objects.filter(undone_at__isnull=True).iterator():
        moved = dict(merge.moved)
        if forward:
            old = moved.pop(f"activities.Activity.{merge.entity}", None)
            if not old:
                continue
            links = {}
            for other, ids in old.items():
                rows = ActivityLink.objects.filter(
                    activity_id__in=ids, record_type=merge.entity, record_id=merge.survivor_id
                )
                links[other] = list(rows.values_list("pk", flat=True))
            moved["activities.Activity.record"] = old
            moved["activities.ActivityLink.record"] = links
        else:
            old = moved.pop("activities.Activity.record", None)
            moved.pop("activities.ActivityLink.record", None)
            if not old:
                continue
            moved[f"activities.Activity.{merge.entity}"] = old
        merge.moved = moved
        merge.save(update_fields=["moved"])


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_deal_kind_done_at_index"),
        ("contacts", "0007_customer_lost_mark"),
        ("leads", "0001_initial"),
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="record_type",
            field=peyvand.core.links.RecordTypeField(blank=True, default="", max_length=40, verbose_name="record type"),
        ),
        migrations.AddField(
            model_name="activity",
            name="record_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="record id"),
        ),
        migrations.CreateModel(
            name="ActivityLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("record_type", peyvand.core.links.RecordTypeField(max_length=40, verbose_name="record type")),
                ("record_id", models.PositiveBigIntegerField(verbose_name="record id")),
                (
                    "activity",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="activities.activity",
                    ),
                ),
            ],
            options={"verbose_name": "activity link", "verbose_name_plural": "activity links"},
        ),
        migrations.RunPython(fill_links, restore_keys),
        migrations.RemoveIndex(model_name="activity", name="activity_deal_kind_done_at"),
        migrations.RemoveField(model_name="activity", name="company"),
        migrations.RemoveField(model_name="activity", name="contact"),
        migrations.RemoveField(model_name="activity", name="deal"),
        migrations.RemoveField(model_name="activity", name="lead"),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["record_id", "kind", "done_at"],
                include=("record_type", "owner", "team", "deleted_at"),
                name="activity_record_kind_done_at",
            ),
        ),
        migrations.AddIndex(
            model_name="activitylink",
            index=models.Index(fields=["record_id", "record_type", "activity"], name="activity_link_record"),
        ),
        migrations.AddConstraint(
            model_name="activitylink",
            constraint=models.UniqueConstraint(
                fields=("activity", "record_type", "record_id"), name="activity_link_unique"
            ),
        ),
    ]
