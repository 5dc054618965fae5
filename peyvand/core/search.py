"""Global search: one query over every registered record type, each searched the way its own list searches.

Each type's list spec (``core.listing``) holds its search: the record's normalised ``search_text`` (Persian and
Arabic letter variants folded, Persian and Arabic digits read as ASCII, a phone in any form as E.164), so a
record is found here exactly when its list would find it, and only among the records the user may see.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from peyvand.core import registry
from peyvand.core.listing import apply_list_params

MAX_QUERY = 200


@dataclass(frozen=True)
class SearchHit:
    id: int
    label: str
    url: str


@dataclass
class SearchGroup:
    record_type: str
    plural: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)


def _url(record_type: registry.RecordType, pk: int) -> str:
    if record_type.screen is None:
        return ""
    try:
        return reverse(f"{record_type.plural}:detail", args=[pk])
    except NoReverseMatch:
        return ""


def search_records(
    user, query: str, *, limit_per_type: int = 5, types: set[str] | None = None
) -> list[SearchGroup]:
    """The first matches of each registered type with a resource, in registration order; types without a match
    are left out. An empty query finds nothing. ``types`` (record type names) narrows the search, as the
    activity form's record picker does to the types an activity may be logged on."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query or "\x00" in query:
        return []
    groups = []
    for record_type in registry.record_types():
        resource = record_type.resource
        if resource is None or (types is not None and record_type.name not in types):
            continue
        visible = resource.visible(user)
        found = apply_list_params(visible, resource.list_spec, {"search": query})[:limit_per_type]
        hits = [SearchHit(record.pk, str(record), _url(record_type, record.pk)) for record in found]
        if hits:
            groups.append(
                SearchGroup(record_type.name, record_type.plural, str(record_type.label_plural), hits)
            )
    return groups
