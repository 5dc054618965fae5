"""The demo's service desk: a support team with its manager and agents, SLA policies, ticket categories, a
support address, a routing rule, knowledge-base articles, and tickets in every state with their conversations.

Everything goes through the service desk's services (SLA timers, routing, audit), as a real desk's would; the
replies to customers stay in the outbox, as billing's demo quotes do: demo customers are made up and must never be
written to.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.test.utils import override_settings

from peyvand.accounts.models import Role, Team, User
from peyvand.accounts.services import create_user
from peyvand.contacts.models import Contact
from peyvand.service import services_kb, services_routing, services_sla, services_tickets
from peyvand.service.models import SupportAddress, TicketCategory

SUPPORT_MANAGER = ("n.karimi", "نگار", "کریمی")
AGENTS = (("m.bagheri", "مهدی", "باقری"), ("s.azizi", "سمانه", "عزیزی"))
CATEGORIES = ("نصب و راه‌اندازی", "صورتحساب و پرداخت", "خرابی دستگاه", "حساب کاربری")
ARTICLES = (
    (
        "چاپگر صفحه سفید چاپ می‌کند",
        "کارتریج را بیرون بیاورید و چند بار آرام تکان دهید.\nاگر درست نشد، "
        "از منوی تنظیمات گزینهٔ تمیز کردن هد را بزنید.",
        "public",
        "fa",
    ),
    (
        "چطور فاکتور رسمی بگیرم؟",
        "شناسه ملی و کد اقتصادی شرکت را در پرونده‌تان ثبت کنید؛ فاکتور رسمی با همین اطلاعات صادر می‌شود.",
        "public",
        "fa",
    ),
    (
        "بازنشانی رمز عبور",
        "در صفحهٔ ورود «رمز را فراموش کرده‌ام» را بزنید و پیوند ایمیل‌شده را باز کنید.",
        "public",
        "fa",
    ),
    (
        "Printer prints blank pages",
        "Take the cartridge out and shake it gently.\nThen run head cleaning from the settings menu.",
        "public",
        "en",
    ),
    (
        "فهرست قطعات یدکی در انبار مرکزی",
        "پیش از وعدهٔ تعویض قطعه، موجودی را از انبار مرکزی بپرسید.",
        "internal",
        "fa",
    ),
)
# subject, customer's first message, what happens next (a list of steps), priority, category index
TICKETS = (
    ("چاپگر صفحه سفید می‌دهد", "از دیروز همه برگه‌ها سفید درمی‌آید.", ["reply", "resolve"], "normal", 2),
    ("فاکتور اسفند اشتباه است", "مبلغ مالیات در فاکتور دو بار حساب شده.", ["reply", "wait"], "high", 1),
    ("نصب دستگاه در شعبهٔ شیراز", "لطفاً برای نصب دستگاه تازه وقت بدهید.", ["note"], "normal", 0),
    ("رمز عبور پنل را فراموش کرده‌ام", "نمی‌توانم وارد پنل شوم.", ["reply", "resolve", "close"], "low", 3),
    (
        "دستگاه روشن نمی‌شود",
        "بعد از قطع برق دستگاه دیگر روشن نشد.",
        ["reply", "customer", "reply"],
        "urgent",
        2,
    ),
    (
        "Invoice needs our tax number",
        "Please add our economic code to the invoice.",
        ["reply", "resolve"],
        "normal",
        1,
    ),
    ("صدای غیرعادی از دستگاه", "دستگاه هنگام کار صدای تق‌تق می‌دهد.", [], "high", 2),
    (
        "درخواست آموزش کار با نرم‌افزار",
        "برای سه کارمند تازه آموزش می‌خواهیم.",
        ["note", "third_party"],
        "low",
        0,
    ),
    (
        "پرداخت آنلاین ناموفق بود",
        "پول کم شد ولی فاکتور پرداخت‌نشده است.",
        ["reply", "resolve", "reopen"],
        "high",
        1,
    ),
    ("کارتریج تازه شناخته نمی‌شود", "کارتریج نو را دستگاه نمی‌شناسد.", ["reply"], "normal", 2),
)


STATUS_OF = {
    "resolve": "resolved",
    "close": "closed",
    "wait": "waiting_customer",
    "third_party": "waiting_third_party",
    "reopen": "reopened",
}


@dataclass
class ServiceCounts:
    tickets: int = 0
    messages: int = 0
    articles: int = 0


def _team(admin, hashed: str) -> tuple[Team, User, list[User]]:
    team = Team.objects.get_or_create(name="پشتیبانی مشتریان", defaults={"city": "تهران"})[0]
    made = []

    def add(username, first, last, role):
        user = create_user(
            username=username,
            role=role,
            team=team,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            check_password=False,
        )
        made.append(user)
        return user

    manager = add(*SUPPORT_MANAGER, Role.SUPPORT_MANAGER)
    agents = [add(*agent, Role.SUPPORT_AGENT) for agent in AGENTS]
    User.objects.filter(pk__in=[u.pk for u in made]).update(password=hashed)
    return team, manager, agents


def _settings(admin, team: Team) -> list[TicketCategory]:
    services_sla.save_policy(
        actor=admin,
        values={
            "name": "فوری",
            "active": True,
            "position": 1,
            "priority": "urgent",
            "first_response_minutes": 30,
            "next_response_minutes": 60,
            "resolution_minutes": 240,
            "warn_percent": 75,
            "day_start": "08:00",
            "day_end": "17:00",
        },
    )
    services_sla.save_policy(
        actor=admin,
        values={
            "name": "استاندارد",
            "active": True,
            "position": 2,
            "first_response_minutes": 240,
            "next_response_minutes": 480,
            "resolution_minutes": 2400,
            "warn_percent": 75,
            "day_start": "08:00",
            "day_end": "17:00",
        },
    )
    categories = [services_sla.save_category(actor=admin, values={"name": name}) for name in CATEGORIES]
    SupportAddress.objects.get_or_create(address="support@example.com", defaults={"team": team})
    services_routing.save_rule(
        actor=admin,
        values={
            "name": "صورتحساب‌ها به کم‌کارترین کارشناس",
            "keywords": "فاکتور, صورتحساب, پرداخت, invoice",
            "strategy": "least_open",
            "team": team.pk,
        },
    )
    return categories


def load(
    *, admin, contacts: Sequence[Contact], hashed_password: str, seed: int
) -> tuple[ServiceCounts, User]:
    """Fill the service desk; answers the counts and the support manager (who signs in to see the queue)."""
    rnd = random.Random(seed)
    counts = ServiceCounts()
    team, manager, agents = _team(admin, hashed_password)
    categories = _settings(admin, team)
    for title, body, audience, language in ARTICLES:
        article = services_kb.create_article(
            actor=manager, values={"title": title, "body": body, "audience": audience, "language": language}
        )
        services_kb.publish_article(actor=manager, article=article)
        counts.articles += 1
    customers = [c for c in contacts if c.emails] or list(contacts)
    with override_settings(
        PEYVAND_MESSAGING_BACKENDS={"email": "peyvand.messaging.backends.OutboxOnlyBackend"}
    ):
        for ticket_row in TICKETS:
            counts.messages += _ticket(ticket_row, rnd, customers, agents, team, categories)
            counts.tickets += 1
    return counts, manager


def _ticket(row, rnd: random.Random, customers, agents, team, categories) -> int:
    """One ticket and what happened to it; answers how many messages it got."""
    subject, first, steps, priority, category = row
    customer = rnd.choice(customers)
    agent = rnd.choice(agents)
    ticket = services_tickets.create_ticket(
        actor=agent,
        values={
            "subject": subject,
            "description": first,
            "contact": customer.pk,
            "priority": priority,
            "category": categories[category].pk,
            "team": team,
            "language": "en" if subject.isascii() else "fa",
        },
        channel=rnd.choice(("email", "phone", "web_form", "portal")),
    )
    messages = 0
    for step in steps:
        ticket.refresh_from_db()
        if step == "reply" and services_tickets.recipient_of(ticket):
            services_tickets.reply(actor=agent, ticket=ticket, body="سلام، پیگیری می‌کنیم و خبر می‌دهیم.")
            messages += 1
        elif step == "note":
            services_tickets.add_note(actor=agent, ticket=ticket, body="با مشتری تلفنی هماهنگ شد.")
            messages += 1
        elif step == "customer":
            services_tickets.add_customer_message(
                ticket=ticket, body="هنوز درست نشده است.", from_address=services_tickets.recipient_of(ticket)
            )
            messages += 1
        elif step in STATUS_OF:
            services_tickets.change_status(
                actor=agent, ticket=ticket, status=STATUS_OF[step], version=ticket.version
            )
    return messages
