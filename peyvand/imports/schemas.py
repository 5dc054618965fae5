import datetime as dt

from ninja import Schema


class CellErrorOut(Schema):
    row: int
    column: str
    message: str


class DuplicateOut(Schema):
    row: int
    key: str
    existing_id: int | None


class PossibleDuplicateOut(Schema):
    row: int
    reasons: str
    existing_id: int | None


class ImportRunOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    owner_id: int
    mapping: dict[str, str]
    unmatched_columns: list[str]
    total_rows: int
    created: int
    updated: int
    skipped_duplicate: int
    already_imported: int
    failed: int
    possible_duplicate: int
    errors: list[CellErrorOut]
    duplicates: list[DuplicateOut]
    possible_duplicates: list[PossibleDuplicateOut]
    job_id: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_unmatched_columns(obj) -> list[str]:
        return [h for h, name in obj.mapping.items() if not name]
