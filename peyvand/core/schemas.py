"""Schema pieces every owned resource shares."""

import datetime as dt

from ninja import Schema


class OwnedOut(Schema):
    id: int
    owner_id: int
    owner: str
    team_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.username


class TaggedOut(OwnedOut):
    tags: list[str]
    custom: dict

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return sorted(t.name for t in obj.tags.all())


class OwnedIn(Schema):
    owner: int | None = None


class TaggedIn(OwnedIn):
    tags: list[str] = []
    custom: dict = {}


class PatchBase(Schema):
    version: int
    owner: int | None = None
