from django.db import migrations


def add_bare_keys(apps, schema_editor):
    """Records stored before "bare" keys existed: a record with name keys but no phone or e-mail key gets its
    name keys again as bare ones (see duplicates.keys_for)."""
    DuplicateKey = apps.get_model("contacts", "DuplicateKey")
    reachable = DuplicateKey.objects.filter(kind__in=("phone", "email")).values("entity", "object_id")
    reachable = {(row["entity"], row["object_id"]) for row in reachable.iterator(chunk_size=10000)}
    batch = []
    names = DuplicateKey.objects.filter(kind="name").values_list("entity", "value", "object_id")
    for entity, value, object_id in names.iterator(chunk_size=10000):
        if (entity, object_id) not in reachable:
            batch.append(DuplicateKey(entity=entity, kind="bare", value=value, object_id=object_id))
        if len(batch) >= 5000:
            DuplicateKey.objects.bulk_create(batch)
            batch = []
    DuplicateKey.objects.bulk_create(batch)


def remove_bare_keys(apps, schema_editor):
    apps.get_model("contacts", "DuplicateKey").objects.filter(kind="bare").delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_call_hours")]

    operations = [migrations.RunPython(add_bare_keys, remove_bare_keys)]
