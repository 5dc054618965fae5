"""The seeded sales history of ``dataset.build``, with what the customer metrics need on top of it.

``build(seed)`` adds purchases from before that history began (so customers exist, and churn, at its start),
won deals for a company without a contact, marketing spend per Jalali month and channel, survey answers and
key accounts; and returns every fact as plain Python, the deals merged into one list.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

import jdatetime
from django.utils import timezone

from peyvand.analytics.models import KeyAccount, Spend, SurveyResponse
from peyvand.contacts.models import Company, Contact
from peyvand.sales.models import Deal, DealStatus, StageKind
from tests.analytics import dataset
from tests.analytics.dataset import NOW, START, TZ, _dates_as_given

CHANNELS = ["website", "email", "phone", "referral", "campaign", "social"]
EARLIEST = dt.datetime(2024, 1, 1, tzinfo=TZ)


@dataclass
class Customers:
    history: dataset.History
    deals: list = field(default_factory=list)  # every deal, the seeded history's and the older purchases
    companies: dict = field(default_factory=dict)  # id -> {"owner", "team"}
    spend: list = field(default_factory=list)  # {"month", "channel", "amount", "team"}
    answers: list = field(default_factory=list)  # {"owner", "team", "score", "answered_at", "channel"}
    key_accounts: dict = field(default_factory=dict)  # company id -> potential
    lost: dict = field(default_factory=dict)  # ("company" | "contact", id) -> the day marked lost

    @property
    def users(self):
        return self.history.users


def _jalali_months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days (Gregorian) of the Jalali months from the one holding ``first`` to ``last``."""
    day = jdatetime.date.fromgregorian(date=first).replace(day=1)
    months = []
    while day.togregorian() <= last:
        months.append(day.togregorian())
        day = day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)
    return months


def build(seed: int = 11) -> Customers:
    h = dataset.build(seed=7)
    rnd = random.Random(seed)
    c = Customers(history=h, deals=list(h.deals))
    reps = [u for n, u in h.users.items() if n.startswith("rep_")]
    people = reps + [h.users["manager_north"], h.users["manager_south"]]
    pipeline = h.pipelines[0]
    won_stage = pipeline.stages.get(kind=StageKind.WON)
    for company in Company.objects.all():
        c.companies[company.pk] = {"owner": company.owner_id, "team": company.team_id}
    contacts = list(Contact.objects.all())
    companies = list(Company.objects.all())

    # Purchases before the seeded history: customers at its start, some of whom never buy again.
    older = []
    with _dates_as_given(Deal):
        for i in range(90):
            closed = EARLIEST + dt.timedelta(seconds=rnd.uniform(0, (START - EARLIEST).total_seconds()))
            owner = rnd.choice(reps)
            contact = rnd.choice(contacts) if rnd.random() < 0.8 else None
            company = contact.company if contact else rnd.choice(companies)
            older.append(
                Deal(
                    title=f"Older purchase {i}",
                    amount=Decimal(rnd.randrange(10, 2000) * 1_000_000),
                    pipeline=pipeline,
                    stage=won_stage,
                    status=DealStatus.WON,
                    contact=contact,
                    company=company,
                    stage_entered_at=closed,
                    closed_at=closed,
                    owner=owner,
                    team_id=owner.team_id,
                    created_at=closed - dt.timedelta(days=rnd.randint(0, 60)),
                )
            )
        # A new customer whose first two purchases share one instant: only one of them is its first.
        twin_owner = h.users["rep_north1"]
        twin = Company.objects.create(name="Twin purchases", owner=twin_owner, team_id=twin_owner.team_id)
        companies.append(twin)
        c.companies[twin.pk] = {"owner": twin.owner_id, "team": twin.team_id}
        same_instant = dt.datetime(2026, 7, 10, 10, 0, tzinfo=TZ)
        for title in ("Twin purchase 1", "Twin purchase 2"):
            older.append(
                Deal(
                    title=title,
                    amount=Decimal(300_000_000),
                    pipeline=pipeline,
                    stage=won_stage,
                    status=DealStatus.WON,
                    company=twin,
                    stage_entered_at=same_instant,
                    closed_at=same_instant,
                    owner=twin_owner,
                    team_id=twin_owner.team_id,
                    created_at=same_instant - dt.timedelta(days=3),
                )
            )
        Deal.objects.bulk_create(older)
    sources = {ct.pk: ct.source for ct in contacts}
    regions = {ct.pk: ct.region for ct in contacts}
    audiences = {ct.pk: ct.audience for ct in contacts}
    company_regions = {co.pk: co.region for co in companies}
    for deal in older:
        c.deals.append(
            {
                "id": deal.pk,
                "owner": deal.owner_id,
                "team": deal.team_id,
                "pipeline": deal.pipeline_id,
                "status": deal.status,
                "amount": deal.amount,
                "created_at": deal.created_at,
                "closed_at": deal.closed_at,
                "contact": deal.contact_id,
                "company": deal.company_id,
                "lead_created_at": None,
                "region": company_regions.get(deal.company_id) or regions.get(deal.contact_id) or None,
                "channel": sources.get(deal.contact_id) or None,
                "audience": audiences.get(deal.contact_id) or None,
            }
        )

    teams = [None, h.teams["north"].pk, h.teams["south"].pk]
    spend = []
    for month in _jalali_months(START.date(), NOW.date()):
        for channel in rnd.sample(CHANNELS, 4):
            team = rnd.choice(teams)
            amount = Decimal(rnd.randrange(1, 500) * 1_000_000)
            spend.append(Spend(month=month, channel=channel, amount=amount, team_id=team))
            c.spend.append({"month": month, "channel": channel, "amount": amount, "team": team})
    Spend.objects.bulk_create(spend)

    span = (NOW - START).total_seconds()
    answers = []
    for _i in range(240):
        owner = rnd.choice(people)
        answered = START + dt.timedelta(seconds=rnd.uniform(0, span))
        score = rnd.randint(0, 10)
        channel = rnd.choice(CHANNELS + [""])
        answers.append(
            SurveyResponse(
                owner=owner,
                team_id=owner.team_id,
                contact=rnd.choice(contacts),
                score=score,
                answered_at=answered,
                channel=channel,
            )
        )
        c.answers.append(
            {
                "owner": owner.pk,
                "team": owner.team_id,
                "score": score,
                "answered_at": answered,
                "channel": channel,
            }
        )
    SurveyResponse.objects.bulk_create(answers)

    for company in rnd.sample(companies, 10):
        potential = Decimal(rnd.randrange(0, 3000) * 1_000_000)
        KeyAccount.objects.create(company=company, potential=potential)
        c.key_accounts[company.pk] = potential
    _mark_lost(c, random.Random(seed + 1), companies, contacts)
    assert timezone.is_aware(NOW)
    return c


def _mark_lost(c: Customers, rnd: random.Random, companies, contacts) -> None:
    """Customers marked lost by hand on days across the periods tested, some on the very day of a purchase
    (which then brings them back)."""
    first, days = dt.date(2025, 9, 1), (NOW.date() - dt.date(2025, 9, 1)).days
    marks = {}
    for kind, records in (("company", companies), ("contact", contacts)):
        for record in rnd.sample(records, len(records) // 4):
            marks[(kind, record.pk)] = first + dt.timedelta(days=rnd.randrange(days))
    for deal in rnd.sample([d for d in c.deals if d["status"] == "won" and d["closed_at"] >= EARLIEST], 6):
        key = ("company", deal["company"]) if deal["company"] else ("contact", deal["contact"])
        if key[1]:
            marks[key] = deal["closed_at"].astimezone(TZ).date()
    for (kind, pk), day in marks.items():
        (Company if kind == "company" else Contact).objects.filter(pk=pk).update(lost_on=day)
    c.lost = marks
