"""Finding likely duplicates of a record: exact keys (E.164 phone, e-mail) and a fuzzy name match within the same
company or city.

A record type takes part by registering a ``DuplicateSpec`` as its ``extra["duplicates"]`` (contacts and
companies in ``contacts/resources.py``, leads in ``leads/resources.py``): which of its fields hold its name, its
phones and e-mails, and where it lives. Everything below reads the spec, never the type's name.

Lookups go through ``DuplicateKey`` rows (indexed), written by the services on every create and update, so the
check on create costs a few index reads whatever the size of the database. Candidates are always limited to the
records the actor may see: a duplicate they cannot see is not revealed (the record is simply created).
"""

import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from peyvand.contacts.models import DuplicateKey
from peyvand.core import registry
from peyvand.core.errors import DuplicateRefusal
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.text import normalize_email, normalize_text

# A fuzzy name match counts from this similarity (0-100) of the normalised names, token order ignored.
NAME_THRESHOLD = 90
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class DuplicateSpec:
    """How a record type's likely duplicates are found; registered by its app as ``extra["duplicates"]``.

    ``name`` is the fields of its name: a person's first and last name, or a single one (a company's name,
    whose name keys are its first and last letters). ``phones`` and ``emails`` name the fields of its phones and
    e-mails, each a list or a single value. Its places are its ``company`` (a reference, matched by id), the
    ``company_name`` typed where there is no company yet, and its ``city``; ``traits`` tell namesakes apart in
    the whole-database scan. ``also``: models of other record types a new record is looked for among too (a new
    lead among contacts), their values taken from the same names and places.
    """

    name: tuple[str, ...]
    phones: str = "phones"
    emails: str = "emails"
    company: str | None = None
    company_name: str | None = None
    city: str = "city"
    traits: tuple[str, ...] = ()
    also: tuple[Any, ...] = ()

    @property
    def first_name(self) -> str | None:
        return self.name[0] if len(self.name) > 1 else None

    @property
    def last_name(self) -> str:
        return self.name[-1]

    @functools.cached_property
    def stored(self) -> tuple[tuple[str, str], ...]:
        """(value name, model attribute) of every field the keys are made of, as read from a stored record."""
        names = [*self.name, self.city, self.phones, self.emails]
        if self.company_name:
            names.append(self.company_name)
        pairs = [(name, name) for name in dict.fromkeys(names)]
        if self.company:
            pairs.append((self.company, self.company + "_id"))
        return tuple(pairs)


def spec_of(entity: str) -> DuplicateSpec:
    """The duplicate spec of a registered record type; ValueError for a type whose duplicates are not looked for."""
    record_type = registry.find(entity)
    spec = record_type.extra.get("duplicates") if record_type is not None else None
    if not isinstance(spec, DuplicateSpec):
        raise ValueError(entity)
    return spec


@dataclass
class Candidate:
    record: Any
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.record)

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse(f"{registry.for_model(self.record).plural}:detail", args=[self.record.pk])


class DuplicateFound(DuplicateRefusal):
    """Refusal to create a record that looks like one the actor can already see."""

    status = 409

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        super().__init__(
            "duplicate",
            _("This looks like a record that already exists. Check the candidates or save anyway."),
            extra={
                "candidates": [
                    {
                        "id": c.record.pk,
                        "entity": c.record._meta.model_name,
                        "name": c.name,
                        "score": c.score,
                        "reasons": c.reasons,
                    }
                    for c in candidates
                ]
            },
        )


def _model(entity: str):
    spec_of(entity)  # a type without duplicates is refused
    return registry.get(entity).model


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def name_parts(entity: str, values: dict[str, Any]) -> tuple[str, str]:
    """The normalised name in two parts without spaces: "محمد رضا" and "محمدرضا" are one name."""
    spec = spec_of(entity)
    first = _compact(normalize_text(values.get(spec.first_name))) if spec.first_name else ""
    return first, _compact(normalize_text(values.get(spec.last_name)))


def _compact(text: str) -> str:
    return text.replace(" ", "")


def name_keys(place: str, first: str, last: str) -> list[str]:
    """Blocking keys of a name within a place: the whole of one part plus two letters of the other, from its
    start or its end, so a single typo in either part leaves at least one key intact. A company name (no first
    part) gives its first and last three letters."""
    if not last:
        return []
    if not first:
        return [f"{place}|{last[:3]}<", f"{place}|{last[-3:]}>"]
    return [
        f"{place}|{first}|{last[:2]}<",
        f"{place}|{first}|{last[-2:]}>",
        f"{place}|{first[:2]}<|{last}",
        f"{place}|{first[-2:]}>|{last}",
    ]


def name_similarity(a: tuple[str, str], b: tuple[str, str]) -> int:
    a_text, b_text = " ".join(a).strip(), " ".join(b).strip()
    # "Branch 1" and "Branch 12" are alike as strings but different as names.
    if [c for c in a_text if c.isdigit()] != [c for c in b_text if c.isdigit()]:
        return 0
    return round(fuzz.ratio(a_text, b_text))


def places(entity: str, values: dict[str, Any]) -> list[str]:
    """Where a record lives, as keys: its company and its city; a fuzzy name match must share one."""
    spec = spec_of(entity)
    result = []
    if spec.company:
        company = values.get(spec.company)
        company_id = getattr(company, "pk", company)
        if company_id not in (None, ""):
            result.append(f"co{company_id}")
    if spec.company_name and values.get(spec.company_name):
        result.append("cn" + normalize_text(values[spec.company_name]))
    city = normalize_text(values.get(spec.city))
    if city:
        result.append("ci" + city)
    return result


def contact_points(entity: str, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The record's phones in E.164 (unreadable ones left out) and its lower-cased e-mails."""
    spec = spec_of(entity)
    phones, emails = _list(values.get(spec.phones)), _list(values.get(spec.emails))
    return [p for p in (_e164(p) for p in phones) if p], [normalize_email(e) for e in emails if e]


def _e164(phone: str) -> str:
    if phone.startswith("+") and phone[1:].isdigit():
        return phone  # stored numbers are E.164 already
    try:
        return to_e164(phone)
    except InvalidPhone:
        return ""


def keys_for(entity: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """The lookup keys of a record: its phones and e-mails, its name keys where it lives, and, for a record
    with neither phone nor e-mail, the same name keys again as "bare" ones. A name alone makes a likely
    duplicate only when one side has nothing else to tell the two apart, so an import of many reachable people
    asks only for the bare ones, which are few, instead of every namesake."""
    phones, emails = contact_points(entity, values)
    keys = [("phone", p) for p in phones] + [("email", e[:255]) for e in emails]
    first, last = name_parts(entity, values)
    names = [key[:255] for place in places(entity, values) for key in name_keys(place, first, last)]
    keys += [("name", key) for key in names]
    if not (phones or emails):
        keys += [("bare", key) for key in names]
    return list(dict.fromkeys(keys))


def _values_of(entity: str, record) -> dict[str, Any]:
    """The values the keys are made of, read from a stored record (a reference as its id)."""
    return {name: getattr(record, attribute) for name, attribute in spec_of(entity).stored}


def index_record(entity: str, record) -> None:
    """Write the lookup keys of ``record`` (after a create or an update), replacing its earlier ones."""
    DuplicateKey.objects.filter(entity=entity, object_id=record.pk).delete()
    DuplicateKey.objects.bulk_create(
        DuplicateKey(entity=entity, kind=kind, value=value, object_id=record.pk)
        for kind, value in keys_for(entity, _values_of(entity, record))
    )


def index_all(entity: str, batch: int = 5000) -> int:
    """Rebuild every key of one entity (after a bulk import that bypassed the services)."""
    model = _model(entity)
    count = 0
    with transaction.atomic():
        DuplicateKey.objects.filter(entity=entity).delete()
        rows: list[DuplicateKey] = []
        for record in model.objects.all().iterator(chunk_size=batch):
            rows += [
                DuplicateKey(entity=entity, kind=kind, value=value, object_id=record.pk)
                for kind, value in keys_for(entity, _values_of(entity, record))
            ]
            count += 1
            if len(rows) >= batch:
                DuplicateKey.objects.bulk_create(rows)
                rows = []
        DuplicateKey.objects.bulk_create(rows)
    return count


def _matching_ids(entity: str, keys: Iterable[tuple[str, str]]) -> dict[int, set[tuple[str, str]]]:
    keys = list(keys)
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    hits: dict[int, set[tuple[str, str]]] = {}
    for kind, values in by_kind.items():
        rows = DuplicateKey.objects.filter(entity=entity, kind=kind, value__in=values).values_list(
            "object_id", "value"
        )
        for object_id, value in rows[:2000]:
            hits.setdefault(object_id, set()).add((kind, value))
    return hits


def _place_reason(mine: set[str], theirs: set[str]) -> str | None:
    shared = mine & theirs
    if any(p.startswith(("co", "cn")) for p in shared):
        return _("same company")
    if shared:
        return _("same city")
    return None


def name_match(
    name: tuple[str, str], where: set[str], other_name: tuple[str, str], other_where: set[str]
) -> tuple[int, str] | None:
    """(score, reason) when two names (as ``name_parts`` gives them) are alike and share a place (as ``places``
    gives them); a name alone is weaker evidence than a shared phone or e-mail, so it scores below 100."""
    if not (name[1] and other_name[1]):
        return None
    place = _place_reason(where, other_where)
    if not place:
        return None
    similarity = name_similarity(name, other_name)
    if similarity < NAME_THRESHOLD:
        return None
    reason = _("name %(similarity)s %% alike, %(place)s") % {"similarity": similarity, "place": place}
    return round(similarity * 0.9), reason


def score_pair(entity: str, values: dict[str, Any], other: dict[str, Any]) -> tuple[int, list[str]]:
    """How alike two records are (0-100) and why, from their values as the services store them."""
    phones, emails = contact_points(entity, values)
    other_phones, other_emails = contact_points(entity, other)
    reasons, score = [], 0
    for phone in sorted(set(phones) & set(other_phones)):
        reasons.append(_("same phone %(phone)s") % {"phone": phone})
        score = 100
    for email in sorted(set(emails) & set(other_emails)):
        reasons.append(_("same e-mail %(email)s") % {"email": email})
        score = 100
    matched = name_match(
        name_parts(entity, values),
        set(places(entity, values)),
        name_parts(entity, other),
        set(places(entity, other)),
    )
    if matched:
        reasons.append(matched[1])
        score = max(score, matched[0])
    return score, reasons


def find_duplicates(entity: str, *, actor, values: dict[str, Any], exclude_pk=None) -> list[Candidate]:
    """Records the actor may see that look like ``values`` (as the services clean them), best first."""
    model = _model(entity)
    hits = _matching_ids(entity, [k for k in keys_for(entity, values) if k[0] != "bare"])
    hits.pop(exclude_pk, None)
    if not hits:
        return []
    candidates = []
    for record in model.objects.visible_to(actor).filter(pk__in=list(hits)):
        score, reasons = score_pair(entity, values, _values_of(entity, record))
        if reasons:
            candidates.append(Candidate(record=record, score=score, reasons=reasons))
    candidates.sort(key=lambda c: (-c.score, c.record.pk))
    return candidates[:MAX_CANDIDATES]


def refuse_duplicates(entity: str, *, actor, values: dict[str, Any], allow_duplicate: bool) -> None:
    if allow_duplicate:
        return
    candidates = find_duplicates(entity, actor=actor, values=values)
    if candidates:
        raise DuplicateFound(candidates)


def check_duplicates(entity: str, *, actor, values: dict[str, Any]) -> list[Candidate]:
    """Records the actor may see, of ``entity`` and of the types its spec names in ``also``, that look like a new
    record's values (phones already E.164), best first.

    A service that refuses duplicates raises ``DuplicateFound(candidates)`` when this is not empty, and calls
    ``index_record(entity, record)`` after saving so later records find this one.
    """
    spec = spec_of(entity)
    candidates = find_duplicates(entity, actor=actor, values=values)
    for model in spec.also:
        other = registry.for_model(model)
        if other is None:
            continue
        other_spec = spec_of(other.name)
        as_other = dict(
            values,
            **{
                other_spec.phones: _list(values.get(spec.phones)),
                other_spec.emails: _list(values.get(spec.emails)),
            },
        )
        candidates += find_duplicates(other.name, actor=actor, values=as_other)
    candidates.sort(key=lambda c: (-c.score, type(c.record).__name__, c.record.pk))
    return candidates[:MAX_CANDIDATES]


# --- The whole-database scan -------------------------------------------------------------------------------
#
# Reading every pair of a million records is out of the question, so records are put in blocks that a true
# duplicate almost surely shares: each phone, each e-mail, and the name keys of its place (its company, else its
# city). Only pairs that share a block are scored.

SCAN_NAME_THRESHOLD = 90
# A block this big is a shared switchboard number or a common name in a big city, not one person.
MAX_BLOCK = 200


class _UnionFind:
    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _points(value) -> list[str]:
    return value if isinstance(value, list) else _list(value)


def _scan_rows(entity: str):
    """(pk, normalised first, normalised last, phones, emails, place, traits) for every live record of
    ``entity``; traits (as its spec names them: city, title) only break ties between namesakes. Its place is its
    company, else the company name typed, else its city."""
    spec = spec_of(entity)
    columns = ["pk", spec.last_name, spec.phones, spec.emails, spec.city]
    first_at = company_at = company_name_at = None
    if spec.first_name:
        first_at = len(columns)
        columns.append(spec.first_name)
    if spec.company:
        company_at = len(columns)
        columns.append(spec.company + "_id")
    if spec.company_name:
        company_name_at = len(columns)
        columns.append(spec.company_name)
    traits_at = len(columns)
    columns += spec.traits
    city_trait = tuple(trait == spec.city for trait in spec.traits)
    rows = _model(entity).objects.values_list(*columns)
    for row in rows.iterator(chunk_size=10000):
        city = normalize_text(row[4])
        if company_at is not None and row[company_at]:
            place = f"co{row[company_at]}"
        elif company_name_at is not None and row[company_name_at]:
            place = "cn" + normalize_text(row[company_name_at])
        else:
            place = "ci" + city
        traits = tuple(
            sys.intern(city if is_city else normalize_text(value))
            for is_city, value in zip(city_trait, row[traits_at:], strict=True)
        )
        yield (
            row[0],
            _compact(normalize_text(row[first_at])) if first_at is not None else "",
            _compact(normalize_text(row[1])),
            _points(row[2]),
            _points(row[3]),
            place,
            traits,
        )


def scan_pairs(entity: str, progress=None) -> dict[tuple[int, int], tuple[int, list[str]]]:
    """Every pair of live records that looks like one person (or company): {(pk, pk): (score, reasons)}."""
    blocks: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    points: dict[int, tuple[frozenset, frozenset]] = {}
    read = 0
    traits: dict[int, tuple] = {}
    for pk, first, last, phones, emails, place, record_traits in _scan_rows(entity):
        emails = [normalize_email(e) for e in emails]
        names[pk] = (first, last)
        traits[pk] = record_traits
        points[pk] = (frozenset(phones), frozenset(emails))
        for phone in phones:
            blocks.setdefault("p" + phone, []).append(pk)
        for email in emails:
            blocks.setdefault("e" + email, []).append(pk)
        for key in name_keys(place, first, last):
            blocks.setdefault("n" + key, []).append(pk)
        read += 1
        if progress and read % 50_000 == 0:
            progress(read)
    pairs: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for key, members in blocks.items():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        exact = key[0] in "pe"
        if not exact and all(points[pk][0] or points[pk][1] for pk in members):
            continue  # no member without a phone and an e-mail: see below why the name alone is not enough
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if exact:
                    score, reasons = pairs.get(pair, (0, []))
                    reason = (_("same phone %(phone)s") if key[0] == "p" else _("same e-mail %(email)s")) % {
                        "phone": key[1:],
                        "email": key[1:],
                    }
                    pairs[pair] = (100, [*reasons, reason])
                elif pair not in pairs:
                    pairs[pair] = (0, [])  # scored below, once, if no exact key joins them
    result = {}
    by_name: dict[int, list[tuple[int, int]]] = {}  # bare record -> [(similarity, other)]
    for (a, b), (score, reasons) in pairs.items():
        if score:
            result[(a, b)] = (score, reasons)
            continue
        # Across the whole database a common name at a big company meets many namesakes: a name alone joins
        # two records only when one of them has no phone and no e-mail to tell them apart (records that shared
        # one were joined above; different ones say two people).
        bare_a, bare_b = not any(points[a]), not any(points[b])
        if not (bare_a or bare_b):
            continue
        similarity = name_similarity(names[a], names[b])
        if similarity >= SCAN_NAME_THRESHOLD:
            for bare, other in ((a, b), (b, a)):
                if not any(points[bare]):
                    by_name.setdefault(bare, []).append((similarity, other))
    for bare, matches in by_name.items():
        # The bare record joins the one record its name is most like, namesakes told apart by how many of
        # city and title they share with it; two equally alike leave it undecided, since joining both would
        # join two people.
        ranked = [
            (
                similarity,
                sum(1 for x, y in zip(traits[bare], traits[other], strict=True) if x and x == y),
                other,
            )
            for similarity, other in matches
        ]
        best = max(rank[:2] for rank in ranked)
        others = [other for similarity, shared, other in ranked if (similarity, shared) == best]
        best = best[0]
        if len(others) != 1:
            continue
        pair = (min(bare, others[0]), max(bare, others[0]))
        if pair not in result:
            reason = _("name %(similarity)s %% alike, same company or city") % {"similarity": best}
            result[pair] = (round(best * 0.9), [reason])
    return result


def group_pairs(
    pairs: dict[tuple[int, int], tuple[int, list[str]]],
) -> list[tuple[list[int], int, list[str]]]:
    """Join pairs into groups (a record alike to two others makes one group of three): (members, score, reasons)."""
    union = _UnionFind()
    for a, b in pairs:
        union.union(a, b)
    groups: dict[int, tuple[set[int], list[int], list[str]]] = {}
    for (a, b), (score, reasons) in pairs.items():
        members, scores, all_reasons = groups.setdefault(union.find(a), (set(), [], []))
        members.update((a, b))
        scores.append(score)
        all_reasons.extend(r for r in reasons if r not in all_reasons)
    return [(sorted(m), min(s), r[:10]) for m, s, r in groups.values()]


def groups_visible_to(actor, entity: str):
    """Open duplicate groups every member of which the actor may see (a group is merged whole, or not at all)."""
    from peyvand.contacts.models import DuplicateGroup, DuplicateGroupStatus

    model = _model(entity)
    groups = DuplicateGroup.objects.filter(entity=entity, status=DuplicateGroupStatus.OPEN)
    if actor is None or not actor.is_authenticated:
        return groups.none()
    if not actor.is_admin:
        hidden = model.all_objects.exclude(pk__in=model.objects.visible_to(actor).values("pk")).values("pk")
        groups = groups.exclude(members__object_id__in=hidden)
    return groups.prefetch_related("members")


def group_records(actor, groups) -> dict[int, list]:
    """{group id: its member records}, read in one query for a page of groups."""
    groups = list(groups)
    if not groups:
        return {}
    model = _model(groups[0].entity)
    ids = {m.object_id for g in groups for m in g.members.all()}
    records = model.objects.visible_to(actor).in_bulk(ids)
    return {g.pk: [records[m.object_id] for m in g.members.all() if m.object_id in records] for g in groups}
