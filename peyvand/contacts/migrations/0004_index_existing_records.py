"""Lookup keys for the contacts and companies that existed before duplicate detection (data only)."""

from django.db import migrations


def index_existing(apps, schema_editor):
    from peyvand.contacts.duplicates import _values_of, keys_for

    key_model = apps.get_model("contacts", "DuplicateKey")
    for entity, model_name in (("contact", "Contact"), ("company", "Company")):
        model = apps.get_model("contacts", model_name)
        key_model.objects.filter(entity=entity).delete()  # run twice, keys once
        rows = []
        for record in model.objects.filter(deleted_at__isnull=True).iterator(chunk_size=2000):
            rows += [
                key_model(entity=entity, kind=kind, value=value, object_id=record.pk)
                for kind, value in keys_for(entity, _values_of(entity, record))
            ]
            if len(rows) >= 5000:
                key_model.objects.bulk_create(rows)
                rows = []
        key_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_duplicates_and_merges")]
    operations = [migrations.RunPython(index_existing, migrations.RunPython.noop)]
