"""A seeded sales history for the analytics correctness suite.

``build(seed)`` writes teams, users, pipelines, companies, contacts, leads, deals with their stage history,
and targets straight into the database (bulk writes, dates in the past), and returns the same facts as plain
Python records, so each test can compute a metric by hand and compare it with the database's answer.
"""

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import jdatetime
from django.utils import timezone

from peyvand.accounts.models import Role
from peyvand.contacts.models import Company, Contact
from peyvand.core.models import Holiday
from peyvand.leads.models import Lead
from peyvand.sales.models import Deal, DealStatus, Pipeline, Stage, StageHistory, StageKind
from peyvand.targets.models import Target
from tests.factories import TeamFactory, UserFactory

TZ = dt.timezone(dt.timedelta(hours=3, minutes=30))  # Asia/Tehran has no daylight saving since 2022
START = dt.datetime(2025, 12, 1, tzinfo=TZ)
NOW = dt.datetime(2026, 11, 25, 16, 0, tzinfo=TZ)
REGIONS = ["Tehran", "Isfahan", "Shiraz", ""]
SOURCES = ["website", "email", "phone", "referral", "campaign", ""]
AUDIENCES = ["business", "consumer", ""]


@contextmanager
def _dates_as_given(*models):
    """Let bulk writes keep the created_at the data says, instead of now."""
    fields = [m._meta.get_field("created_at") for m in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


@dataclass
class Move:
    deal: int
    from_stage: int | None
    to_stage: int
    moved_at: dt.datetime
    seconds_in_previous: int | None


@dataclass
class History:
    users: dict = field(default_factory=dict)  # name -> User
    teams: dict = field(default_factory=dict)
    pipelines: list = field(default_factory=list)
    stages: dict = field(default_factory=dict)  # id -> (pipeline id, order, kind, name)
    probabilities: dict = field(default_factory=dict)  # stage id -> probability (%)
    targets: list = field(
        default_factory=list
    )  # {"user", "team", "year", "month", "start", "end", "amount", "deals"}
    holidays: dict = field(default_factory=dict)  # date -> share worked (0 or 0.5)
    companies: dict = field(default_factory=dict)  # id -> {"region": ...}
    contacts: dict = field(default_factory=dict)  # id -> {"company", "region", "source", "audience"}
    leads: dict = field(default_factory=dict)  # id -> {"owner", "team", "created_at", "source", "score", ...}
    deals: list = field(default_factory=list)  # dicts with every field a metric reads
    moves: list = field(default_factory=list)


def build(seed: int = 7, deals: int = 360) -> History:
    rnd = random.Random(seed)
    h = History()
    for name in ("north", "south"):
        team = TeamFactory(name=f"Team {name}")
        h.teams[name] = team
        h.users[f"manager_{name}"] = UserFactory(
            username=f"manager_{name}", role=Role.SALES_MANAGER, team=team
        )
        for i in range(3):
            h.users[f"rep_{name}{i}"] = UserFactory(username=f"rep_{name}{i}", role=Role.SALES_REP, team=team)
    h.users["admin"] = UserFactory(username="boss", role=Role.ADMIN, team=h.teams["north"], is_superuser=True)
    reps = [u for n, u in h.users.items() if n.startswith("rep_")]

    for p_index, (name, team) in enumerate((("Main", None), ("Projects", h.teams["south"]))):
        pipeline = Pipeline.objects.create(name=name, team=team, is_default=p_index == 0, order=p_index)
        h.pipelines.append(pipeline)
        for order, (stage_name, probability, kind) in enumerate(
            [
                ("New", 10, "open"),
                ("Qualified", 30, "open"),
                ("Proposal", 60, "open"),
                ("Won", 100, "won"),
                ("Lost", 0, "lost"),
            ]
        ):
            stage = Stage.objects.create(
                pipeline=pipeline,
                name=stage_name,
                order=order * 10,
                probability=probability,
                kind=StageKind(kind),
            )
            h.stages[stage.pk] = (pipeline.pk, order * 10, kind, stage_name)
            h.probabilities[stage.pk] = probability

    def owned(owner, created):
        return {"owner": owner, "team_id": owner.team_id, "created_at": created}

    with _dates_as_given(Company, Contact, Lead, Deal):
        companies = [
            Company(name=f"Company {i}", region=rnd.choice(REGIONS), **owned(rnd.choice(reps), START))
            for i in range(30)
        ]
        Company.objects.bulk_create(companies)
        for c in companies:
            h.companies[c.pk] = {"region": c.region}
        contacts = []
        for i in range(70):
            company = rnd.choice(companies) if rnd.random() < 0.7 else None
            contacts.append(
                Contact(
                    last_name=f"Contact {i}",
                    company=company,
                    region=rnd.choice(REGIONS),
                    source=rnd.choice(SOURCES),
                    audience=rnd.choice(AUDIENCES),
                    **owned(rnd.choice(reps), START),
                )
            )
        Contact.objects.bulk_create(contacts)
        for c in contacts:
            h.contacts[c.pk] = {
                "company": c.company_id,
                "region": c.region,
                "source": c.source,
                "audience": c.audience,
            }

        span = (NOW - START).total_seconds()
        plans = []
        for _i in range(deals):
            owner = rnd.choice(reps)
            pipeline = (
                h.pipelines[1]
                if owner.team_id == h.teams["south"].pk and rnd.random() < 0.3
                else h.pipelines[0]
            )
            created = START + dt.timedelta(seconds=rnd.uniform(0, span * 0.97))
            contact = rnd.choice(contacts) if rnd.random() < 0.85 else None
            lead_created = created - dt.timedelta(days=rnd.randint(1, 40)) if rnd.random() < 0.5 else None
            plans.append((owner, pipeline, created, contact, lead_created))
        leads = [
            Lead(
                last_name=f"Lead {i}",
                source=rnd.choice([s for s in SOURCES if s]),
                audience=rnd.choice(AUDIENCES),
                **owned(owner, lead_created),
            )
            for i, (owner, _p, _c, _ct, lead_created) in enumerate(plans)
            if lead_created
        ]
        # Scores and leads that never became deals come from a random stream of their own, so the rest of the
        # history stays as it was.
        scoring = random.Random(seed * 7919)
        for _i in range(60):
            owner = scoring.choice(reps)
            created = START + dt.timedelta(seconds=scoring.uniform(0, span * 0.97))
            leads.append(
                Lead(
                    last_name="Lead without deal",
                    source=scoring.choice([s for s in SOURCES if s]),
                    **owned(owner, created),
                )
            )
        for lead in leads:
            lead.score = scoring.randint(0, 100)
            lead.score_band = "hot" if lead.score >= 70 else "warm" if lead.score >= 40 else "cold"
            lead.qualified = lead.score >= 50
        Lead.objects.bulk_create(leads)
        for lead in leads:
            h.leads[lead.pk] = {
                "owner": lead.owner_id,
                "team": lead.team_id,
                "created_at": lead.created_at,
                "source": lead.source,
                "score": lead.score,
                "band": lead.score_band,
                "qualified": lead.qualified,
            }
        lead_iter = iter(leads)
        rows, paths = [], []
        for i, (owner, pipeline, created, contact, lead_created) in enumerate(plans):
            stages = [s for s in pipeline.stages.order_by("order")]
            open_stages = [s for s in stages if s.kind == StageKind.OPEN]
            won_stage = next(s for s in stages if s.kind == StageKind.WON)
            lost_stage = next(s for s in stages if s.kind == StageKind.LOST)
            lead = next(lead_iter) if lead_created else None
            # A path through the stages: start at the first (sometimes the second), move on, sometimes skip.
            at = created
            index = 0 if rnd.random() < 0.85 else 1
            path = [(open_stages[index], at)]
            end = rnd.random()
            while True:
                at = at + dt.timedelta(hours=rnd.uniform(2, 24 * 25))
                if at >= NOW:
                    break
                step = rnd.random()
                if step < 0.15:
                    path.append((lost_stage, at))
                    break
                if index == len(open_stages) - 1 or step > 0.93:
                    if end < 0.55:
                        path.append((won_stage, at))
                    break
                index += 2 if step < 0.22 and index + 2 < len(open_stages) else 1
                path.append((open_stages[index], at))
            final = path[-1][0]
            status = {StageKind.WON: DealStatus.WON, StageKind.LOST: DealStatus.LOST}.get(
                final.kind, DealStatus.OPEN
            )
            closed = path[-1][1] if status != DealStatus.OPEN else None
            amount = Decimal(rnd.randrange(10, 2000) * 1_000_000)
            rows.append(
                Deal(
                    title=f"Deal {i}",
                    amount=amount,
                    pipeline=pipeline,
                    stage=final,
                    status=status,
                    contact=contact,
                    company=contact.company if contact else None,
                    lead=lead,
                    stage_entered_at=path[-1][1],
                    closed_at=closed,
                    lost_reason="price" if status == DealStatus.LOST else "",
                    **owned(owner, created),
                )
            )
            paths.append(path)
        Deal.objects.bulk_create(rows)

    moves = []
    for deal, path in zip(rows, paths, strict=True):
        previous = None
        for stage, at in path:
            seconds = int((at - previous[1]).total_seconds()) if previous else None
            moves.append(
                StageHistory(
                    deal=deal,
                    from_stage=previous[0] if previous else None,
                    to_stage=stage,
                    moved_at=at,
                    moved_by=deal.owner,
                    seconds_in_previous=seconds,
                )
            )
            h.moves.append(Move(deal.pk, previous[0].pk if previous else None, stage.pk, at, seconds))
            previous = (stage, at)
        contact = h.contacts.get(deal.contact_id) if deal.contact_id else None
        lead = deal.lead
        h.deals.append(
            {
                "id": deal.pk,
                "owner": deal.owner_id,
                "team": deal.team_id,
                "pipeline": deal.pipeline_id,
                "status": deal.status,
                "stage": deal.stage_id,
                "amount": deal.amount,
                "created_at": deal.created_at,
                "closed_at": deal.closed_at,
                "contact": deal.contact_id,
                "company": deal.company_id,
                "lead": lead.pk if lead else None,
                "lead_created_at": lead.created_at if lead else None,
                "region": (h.companies[deal.company_id]["region"] if deal.company_id else "")
                or (contact["region"] if contact else "")
                or None,
                "channel": (lead.source if lead else "") or (contact["source"] if contact else "") or None,
                "audience": (lead.audience if lead else "")
                or (contact["audience"] if contact else "")
                or None,
            }
        )
    StageHistory.objects.bulk_create(moves)
    _targets_and_holidays(h, rnd)
    assert timezone.is_aware(NOW)
    return h


def _targets_and_holidays(h: History, rnd: random.Random) -> None:
    """Monthly targets of the Jalali year 1405 (its first nine months) for every rep and team, and some
    holidays (Nowruz, two more days off and a half day)."""
    rows = []
    for month in range(1, 10):
        start = jdatetime.date(1405, month, 1).togregorian()
        end = (jdatetime.date(1405, month + 1, 1).togregorian()) - dt.timedelta(days=1)
        subjects = [("user", u) for n, u in h.users.items() if n.startswith("rep_")]
        subjects += [("team", t) for t in h.teams.values()]
        for kind, subject in subjects:
            amount = Decimal(rnd.randrange(5, 60) * 100_000_000)
            deals = rnd.randrange(1, 8)
            rows.append(
                Target(
                    **{kind: subject},
                    calendar="jalali",
                    period_kind="month",
                    year=1405,
                    number=month,
                    start_date=start,
                    end_date=end,
                    amount=amount,
                    deals_won=deals,
                )
            )
            h.targets.append(
                {
                    "user": subject.pk if kind == "user" else None,
                    "team": subject.pk if kind == "team" else None,
                    "year": 1405,
                    "month": month,
                    "start": start,
                    "end": end,
                    "amount": amount,
                    "deals": deals,
                }
            )
    Target.objects.bulk_create(rows)
    holidays = {
        dt.date(2026, 3, 21): "0",
        dt.date(2026, 3, 22): "0",
        dt.date(2026, 3, 23): "0",
        dt.date(2026, 3, 24): "0",
        dt.date(2026, 4, 1): "0",
        dt.date(2026, 4, 2): "0",
        dt.date(2026, 6, 4): "0",
        dt.date(2026, 11, 24): "0.5",
    }
    Holiday.objects.bulk_create(Holiday(date=d, name="holiday", share=share) for d, share in holidays.items())
    h.holidays = {d: Decimal(share) for d, share in holidays.items()}
