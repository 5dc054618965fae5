"""After a load test: is every acknowledged write stored as acknowledged?

Reads the writes log of the locustfile (one JSON line per 2xx answer: record, version left, fields written)
and the database. For each record, the write that left the highest version is its latest; each field must hold
the value of the latest acknowledged write that set it, and the record's version must be the highest one
acknowledged (a lower one means a write was lost; a higher one, a change nobody was told of).

    python -m bench.load.check WRITES.jsonl   (with the server's PEYVAND_DATA_DIR / DATABASE_URL)
"""

import datetime as dt
import json
import os
import sys
from collections import defaultdict
from decimal import Decimal


def _same(stored, written) -> bool:
    if isinstance(stored, Decimal):
        return stored == Decimal(str(written))
    if isinstance(stored, dt.datetime):
        return stored == dt.datetime.fromisoformat(str(written).replace("Z", "+00:00"))
    return stored == written


def check(path: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peyvand.settings")
    import django

    django.setup()
    from peyvand.activities.models import Activity
    from peyvand.contacts.models import Contact
    from peyvand.imports.models import ImportRun
    from peyvand.leads.models import Lead
    from peyvand.sales.models import Deal

    models = {"contact": Contact, "deal": Deal, "activity": Activity, "lead": Lead, "import": ImportRun}
    writes = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                w = json.loads(line)
                writes[(w["resource"], w["id"])].append(w)
    problems = []
    by_resource = defaultdict(list)
    for resource, pk in writes:
        by_resource[resource].append(pk)
    checked = 0
    later_changes = []
    for resource, ids in by_resource.items():
        model = models[resource]
        rows = {r.pk: r for r in model._base_manager.filter(pk__in=ids)}
        for pk in ids:
            acknowledged = sorted(writes[(resource, pk)], key=lambda w: w["version"])
            record = rows.get(pk)
            checked += len(acknowledged)
            if record is None:
                problems.append(f"{resource} {pk}: missing ({len(acknowledged)} acknowledged writes)")
                continue
            latest = acknowledged[-1]["version"] or 0  # an import run has no version
            version = getattr(record, "version", 0)
            if version < latest:
                problems.append(f"{resource} {pk}: version {version}, {latest} acknowledged (write lost)")
            elif version > latest:
                # changed after its last acknowledged write by something not in the log (a background job):
                # not a lost write, but listed
                later_changes.append(f"{resource} {pk}: version {version}, {latest} acknowledged")
            expected = {}
            for w in acknowledged:
                expected.update(w["fields"])
            for name, value in expected.items():
                # an activity is done when it has the time it was done at
                stored = record.done_at is not None if name == "done" else getattr(record, name)
                if not _same(stored, value):
                    problems.append(f"{resource} {pk}: {name} is {stored!r}, {value!r} acknowledged")
    return {
        "acknowledged_writes": checked,
        "records": sum(len(v) for v in by_resource.values()),
        "problems": problems,
        "changed_after_last_acknowledged_write": len(later_changes),
        "changed_examples": later_changes[:10],
    }


if __name__ == "__main__":
    result = check(sys.argv[1])
    print(json.dumps(result, ensure_ascii=False, indent=1))
    sys.exit(1 if result["problems"] else 0)
