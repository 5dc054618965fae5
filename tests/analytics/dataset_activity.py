"""Activities, checklists and expected close dates on top of ``dataset.build``'s seeded sales history.

``build(seed)`` writes them straight into the database (bulk writes) and returns the base history with these
facts added as plain Python records:

- ``activities``: dicts with id, kind, owner, team, deal, contact, company, done_at, duration, deleted;
- ``items``: checklist item id -> {"stage", "pipeline", "archived"};
- ``checks``: (deal, item, checked_at) tuples;
- ``expected_close``: deal id -> date;
- ``users["hire_north"]``: a rep who joined the north team and has done nothing yet.
"""

import datetime as dt
import random

from peyvand.accounts.models import Role
from peyvand.activities.models import Activity, ActivityLink
from peyvand.sales.models import ChecklistCheck, ChecklistItem, Deal
from tests.analytics import dataset
from tests.analytics.dataset import NOW, START, TZ
from tests.factories import UserFactory

KINDS = ["call"] * 7 + ["meeting"] * 4 + ["task"] * 5 + ["email"] * 2 + ["note"] * 2


def _between(rnd, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    return low + dt.timedelta(seconds=rnd.uniform(0, max((high - low).total_seconds(), 0)))


def build(seed: int = 7):
    h = dataset.build(seed=seed)
    rnd = random.Random(seed * 31 + 1)
    users = list(h.users.values())
    deals = {d["id"]: d for d in h.deals}

    def activity(kind, owner, moment, *, deal=None, contact=None, company=None):
        done = rnd.random() < 0.85
        logged_on = next(
            ((t, pk) for t, pk in (("deal", deal), ("contact", contact), ("company", company)) if pk),
            ("", None),
        )
        # Linked as the activity services link it: to its deal, and to the customer (the contact, else the
        # deal's; the company, else the deal's, else the contact's).
        customer = {
            "deal": deal,
            "contact": contact or (deals[deal]["contact"] if deal else None),
            "company": company
            or (deals[deal]["company"] if deal else None)
            or (h.contacts[contact]["company"] if contact else None),
        }
        links.append([(t, pk) for t, pk in customer.items() if pk])
        facts.append((deal, contact, company))
        return Activity(
            record_type=logged_on[0],
            record_id=logged_on[1],
            kind=kind,
            subject=kind,
            owner=owner,
            team_id=owner.team_id,
            # done around when it was due: a little early, or up to a few days late
            due_at=moment - dt.timedelta(hours=rnd.uniform(-2, 72)),
            done_at=moment if done else None,
            duration_minutes=rnd.randint(1, 90)
            if kind in ("call", "meeting") and rnd.random() < 0.8
            else None,
            deleted_at=NOW if rnd.random() < 0.03 else None,
        )

    rows, links, facts = [], [], []
    for deal in h.deals:
        owner = next(u for u in users if u.pk == deal["owner"])
        ends = min(deal["closed_at"] or NOW, NOW)
        # Won deals get a few more meetings, so the impact report has something to find.
        for _i in range(rnd.randint(0, 5) + (1 if deal["status"] == "won" else 0)):
            kind = "meeting" if deal["status"] == "won" and rnd.random() < 0.25 else rnd.choice(KINDS)
            moment = _between(rnd, deal["created_at"], ends)
            if deal["closed_at"] and rnd.random() < 0.08:
                moment = deal["closed_at"] + dt.timedelta(
                    days=rnd.uniform(0.01, 20)
                )  # follow-up after closing
            share = rnd.random()
            rows.append(
                activity(
                    kind,
                    owner if rnd.random() < 0.9 else rnd.choice(users),
                    moment,
                    deal=deal["id"],
                    contact=deal["contact"] if share < 0.6 else None,
                    company=deal["company"] if share < 0.3 else None,
                )
            )
    contacts = list(h.contacts)
    for _i in range(400):
        share = rnd.random()
        contact = rnd.choice(contacts) if share < 0.7 else None
        company = (
            rnd.choice(list(h.companies))
            if 0.5 < share < 0.9
            else (h.contacts[contact]["company"] if contact and rnd.random() < 0.3 else None)
        )
        rows.append(
            activity(
                rnd.choice(KINDS),
                rnd.choice(users),
                _between(rnd, START, NOW),
                contact=contact,
                company=company,
            )
        )
    Activity.objects.bulk_create(rows)
    ActivityLink.objects.bulk_create(
        ActivityLink(activity=a, record_type=t, record_id=pk)
        for a, pairs in zip(rows, links, strict=True)
        for t, pk in pairs
    )
    h.activities = [
        {
            "id": a.pk,
            "kind": a.kind,
            "owner": a.owner_id,
            "team": a.team_id,
            "deal": deal,
            "contact": contact,
            "company": company,
            "done_at": a.done_at,
            "duration": a.duration_minutes,
            "deleted": a.deleted_at is not None,
        }
        for a, (deal, contact, company) in zip(rows, facts, strict=True)
    ]

    items = []
    for stage_id, (_pipeline, _order, kind, name) in sorted(h.stages.items()):
        if kind == "open":
            items += [ChecklistItem(stage_id=stage_id, text=f"{name} step {n}", order=n) for n in range(2)]
    items.append(ChecklistItem(stage_id=min(h.stages), text="Retired step", order=9, archived=True))
    ChecklistItem.objects.bulk_create(items)
    h.items = {
        i.pk: {"stage": i.stage_id, "pipeline": h.stages[i.stage_id][0], "archived": i.archived}
        for i in items
    }
    by_stage: dict = {}
    for item in items:
        by_stage.setdefault(item.stage_id, []).append(item.pk)

    checks = {}
    for move in h.moves:
        deal = deals[move.deal]
        chance = 0.65 if deal["status"] == "won" else 0.4
        for item in by_stage.get(move.to_stage, []):
            if (deal["id"], item) not in checks and rnd.random() < chance:
                at = move.moved_at + dt.timedelta(hours=rnd.uniform(0.1, 30))
                if deal["closed_at"] and at > deal["closed_at"] and rnd.random() < 0.5:
                    at = deal["closed_at"]  # ticked on the way out
                checks[(deal["id"], item)] = min(at, NOW)
    ChecklistCheck.objects.bulk_create(
        [ChecklistCheck(deal_id=d, item_id=i, checked_at=at) for (d, i), at in checks.items()]
    )
    h.checks = [(d, i, at) for (d, i), at in checks.items()]

    h.expected_close = {}
    updates = []
    for deal in h.deals:
        day = deal["created_at"].astimezone(TZ).date() + dt.timedelta(days=rnd.randint(5, 150))
        h.expected_close[deal["id"]] = day
        updates.append(Deal(pk=deal["id"], expected_close_date=day))
    Deal.all_objects.bulk_update(updates, ["expected_close_date"])

    # A new hire with no deals or activities yet: a team larger than average, meeting less per rep.
    h.users["hire_north"] = UserFactory(username="hire_north", role=Role.SALES_REP, team=h.teams["north"])
    return h
