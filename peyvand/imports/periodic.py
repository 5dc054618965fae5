"""Housekeeping of imports: runs whose worker died are marked interrupted, old uploaded files are removed."""

import datetime as dt

from django.conf import settings

from peyvand.core.periodic import periodic
from peyvand.imports.services import mark_interrupted, remove_old_files

# A batch of a few thousand rows commits within seconds; a run silent this long has lost its worker.
SILENT_FOR = dt.timedelta(minutes=15)


@periodic("imports-interrupted", every=dt.timedelta(minutes=5))
def interrupted_imports(now):
    mark_interrupted(now=now, silent_for=SILENT_FOR)


@periodic("imports-old-files", every=dt.timedelta(hours=6))
def old_import_files(now):
    remove_old_files(now=now, keep_for=dt.timedelta(days=settings.PEYVAND_IMPORT_KEEP_DAYS))
