"""Demo billing: the demo business's legal details, its catalogue of software and services, product lines on
deals, quotes in several states, invoices for won deals with the payments against them.

Everything goes through billing's services (the catalogue, ``lines.set_deal_lines``, ``services_quotes``,
``services_invoices``, ``services_payments``), so amounts, gap-free numbers, balances and audit rows are the real
thing. Invoices are issued with the day they carry (``issue_invoice(issue_date=...)``), oldest first, so each fiscal
year's numbers rise with the dates; the moment of issuing (``issued_at``) and the audit trail honestly say they were
written when the demo ran. Quotes are made today (their number, date and validity are today's), since a quote's
day is the day it is made.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.test.utils import override_settings
from django.utils import timezone

from peyvand.billing import lines, services_catalog, services_invoices, services_payments, services_quotes
from peyvand.billing.models import Invoice, PaymentMethod, Product
from peyvand.sales.models import Deal, DealStatus

# The demo seller: a fictional software house in Tehran. Its national id (شناسه ملی) carries a valid check digit
# (``company_national_id`` below); since 1398 a legal entity's economic code is its national id.
SELLER_NATIONAL_ID_BASE = "1032084760"
SELLER = {
    "seller_name": "شرکت نرم‌افزاری پیوندسازان نوین (سهامی خاص)",
    "seller_registration_number": "512384",
    "seller_postal_code": "1591634119",
    "seller_address": "تهران، خیابان کریمخان زند، خیابان ایرانشهر شمالی، کوچه بهار، پلاک ۱۸، طبقه ۳",
    "seller_phone": "+982188812345",
    "invoice_terms": "مبلغ فاکتور ظرف مهلت پرداخت به حساب شرکت واریز یا با چک صیادی پرداخت شود.",
    "quote_terms": "قیمت‌ها با احتساب مالیات بر ارزش افزوده است. زمان تحویل پس از پرداخت پیش‌پرداخت آغاز می‌شود.",
}

# Iran's VAT (مالیات بر ارزش افزوده): 9% until the end of 1402, 10% from 1 Farvardin 1403 (2024-03-20).
VAT_9_UNTIL = dt.date(2024, 3, 19)
VAT_10_FROM = dt.date(2024, 3, 20)

# fmt: off
CATEGORIES = ["لایسنس نرم‌افزار", "ماژول و پیاده‌سازی", "پشتیبانی و نگهداری", "آموزش و مشاوره"]
# code, Persian name, English name, category (index), unit, price in Rial, service?, tax class
PRODUCTS = [
    ("CRM-USR", "لایسنس CRM سازمانی (هر کاربر)", "Enterprise CRM licence (per user)", 0, "کاربر", 45_000_000, False, "vat"),
    ("ACC-STD", "نرم‌افزار حسابداری", "Accounting software", 0, "لایسنس", 380_000_000, False, "vat"),
    ("HRM-STD", "سامانه منابع انسانی", "HR system", 0, "لایسنس", 420_000_000, False, "vat"),
    ("OAS-STD", "اتوماسیون اداری", "Office automation", 0, "لایسنس", 350_000_000, False, "vat"),
    ("MOB-APP", "اپلیکیشن موبایل فروش", "Mobile sales app", 0, "کاربر", 18_000_000, False, "vat"),
    ("WMS-MOD", "پیاده‌سازی ماژول انبار", "Warehouse module implementation", 1, "پروژه", 650_000_000, True, "vat"),
    ("POR-MOD", "پورتال مشتریان", "Customer portal", 1, "پروژه", 520_000_000, True, "vat"),
    ("DST-MOD", "سامانه پخش مویرگی", "Route distribution system", 1, "پروژه", 900_000_000, True, "vat"),
    ("DEP-ONP", "استقرار روی سرور مشتری", "On-premises installation", 1, "پروژه", 120_000_000, True, "vat"),
    ("MIG-DAT", "مهاجرت داده‌ها", "Data migration", 1, "پروژه", 150_000_000, True, "vat"),
    ("SUP-YR", "قرارداد پشتیبانی سالانه", "Annual support contract", 2, "سال", 240_000_000, True, "vat"),
    ("SUP-247", "پشتیبانی ویژه ۲۴ ساعته", "Premium 24-hour support", 2, "ماه", 60_000_000, True, "vat"),
    ("UPG-VER", "ارتقای نسخه", "Version upgrade", 2, "لایسنس", 90_000_000, True, "vat"),
    ("TRN-HR", "آموزش کاربران", "User training", 3, "ساعت", 4_500_000, True, "exempt"),
    ("CNS-HR", "مشاوره فرایندهای فروش", "Sales process consulting", 3, "ساعت", 7_000_000, True, "vat"),
]
# How many of a product a deal takes: licences per user, hours of training, one of a project.
QUANTITIES = {"کاربر": (5, 60), "ساعت": (4, 24), "ماه": (3, 12)}
# Products a deal's title names (the demo's pipelines sell these) and what usually comes with them.
BY_TITLE = {
    "لایسنس CRM سازمانی": "CRM-USR", "پیاده‌سازی ماژول انبار": "WMS-MOD", "نرم‌افزار حسابداری": "ACC-STD",
    "سامانه منابع انسانی": "HRM-STD", "اتوماسیون اداری": "OAS-STD", "پورتال مشتریان": "POR-MOD",
    "اپلیکیشن موبایل فروش": "MOB-APP", "سامانه پخش مویرگی": "DST-MOD", "قرارداد پشتیبانی سالانه": "SUP-YR",
    "تمدید پشتیبانی": "SUP-YR", "آموزش کاربران": "TRN-HR", "مهاجرت داده‌ها": "MIG-DAT",
    "پشتیبانی ویژه ۲۴ ساعته": "SUP-247", "ارتقای نسخه": "UPG-VER", "استقرار روی سرور مشتری": "DEP-ONP",
}
EXTRAS = ["TRN-HR", "SUP-YR", "MIG-DAT", "CNS-HR", "DEP-ONP", "MOB-APP"]
BANKS = ["بانک ملت", "بانک ملی ایران", "بانک صادرات ایران", "بانک تجارت", "بانک پاسارگاد", "بانک سامان"]
CHANGE_REQUESTS = ["لطفاً تعداد کاربران را به ۳۰ برسانید و تخفیف را دوباره بررسی کنید.",
                   "آموزش را به صورت حضوری در دفتر ما در نظر بگیرید."]
# fmt: on

# Shares of the deals that get product lines, and how the issued invoices are paid.
OPEN_WITH_LINES, WON_WITH_LINES = 0.3, 0.6
# Each deal's lines, quote, invoice and payment go through the services (some 40 ms a deal on SQLite): these caps
# keep ``peyvand demo`` within seconds whatever --deals says.
MAX_OPEN_WITH_LINES, MAX_WON_WITH_LINES = 40, 60
INVOICE_WINDOW_DAYS = 240  # won deals of the last eight months get invoices
QUOTE_STATES = ["draft", "approved", "sent", "sent", "accepted", "accepted", "changes"]
DOCUMENTATION_ADDRESS = "192.0.2.{}"  # RFC 5737: addresses reserved for examples


@dataclass
class BillingCounts:
    products: int = 0
    lined_deals: int = 0
    quotes: int = 0
    invoices: int = 0
    payments: int = 0


def company_national_id(first_ten: str) -> str:
    """An 11-digit national id (شناسه ملی) from its first ten digits and the check digit the Iranian registry
    computes: each digit plus (tenth digit + 2), weighted 29, 27, 23, 19, 17 twice, summed modulo 11 (10 -> 0)."""
    step = int(first_ten[9]) + 2
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    total = sum((int(d) + step) * w for d, w in zip(first_ten, weights, strict=True)) % 11
    return first_ten + str(0 if total == 10 else total)


class _Billing:
    def __init__(self, *, admin, managers: dict[int, object], now: dt.datetime, seed: int):
        self.rng = random.Random(seed)
        self.admin = admin
        self.manager_of = managers
        self.now = now
        self.today = timezone.localdate(now)
        self.counts = BillingCounts()

    def manager(self, deal: Deal):
        return self.manager_of.get(deal.team_id, self.admin)

    # the seller and the catalogue
    def set_up(self) -> None:
        national_id = company_national_id(SELLER_NATIONAL_ID_BASE)
        services_catalog.save_billing_settings(
            actor=self.admin,
            values={**SELLER, "seller_national_id": national_id, "seller_economic_code": national_id},
        )
        vat = services_catalog.save_tax_class(
            actor=self.admin, values={"code": "vat", "name": "مالیات بر ارزش افزوده"}
        )
        for name, percent, start, end in (
            ("مالیات بر ارزش افزوده ۹٪", "9", dt.date(2023, 3, 21), VAT_9_UNTIL),
            ("مالیات بر ارزش افزوده ۱۰٪", "10", VAT_10_FROM, None),
        ):
            services_catalog.save_tax_rate(
                actor=self.admin,
                tax_class=vat,
                values={"name": name, "percent": percent, "valid_from": start, "valid_until": end},
            )
        exempt = services_catalog.save_tax_class(
            actor=self.admin, values={"code": "exempt", "name": "معاف از مالیات", "exempt": True}
        )
        classes = {"vat": vat, "exempt": exempt}
        categories = [
            services_catalog.save_category(actor=self.admin, values={"name": name}) for name in CATEGORIES
        ]
        self.products: dict[str, Product] = {}
        for code, name, name_en, category, unit, price, service, tax in PRODUCTS:
            self.products[code] = services_catalog.create_product(
                actor=self.admin,
                values={
                    "code": code,
                    "name": name,
                    "name_en": name_en,
                    "category": categories[category].pk,
                    "unit": unit,
                    "price": price,
                    "is_service": service,
                    "tax_class": classes[tax].pk,
                },
            )
        self.counts.products = len(self.products)
        # Key customers: a standing 5% and their own prices, with a lower price per user from 20 users.
        self.vip = services_catalog.save_tier(
            actor=self.admin, values={"name": "مشتریان ویژه", "discount_percent": "5"}
        )
        price_list = services_catalog.save_price_list(
            actor=self.admin, values={"name": "قیمت مشتریان ویژه", "tier": self.vip.pk, "priority": 10}
        )
        crm, support = self.products["CRM-USR"], self.products["SUP-YR"]
        services_catalog.save_price_list_items(
            actor=self.admin,
            price_list=price_list,
            items=[
                {"product": crm.pk, "min_quantity": 1, "price": 42_000_000},
                {"product": crm.pk, "min_quantity": 20, "price": 38_000_000},
                {"product": support.pk, "min_quantity": 1, "price": 220_000_000},
            ],
        )

    def make_vip_customers(self, deals: Sequence[Deal]) -> None:
        """The companies of the largest won deals become VIP customers with their legal details."""
        seen: list = []
        for deal in sorted(deals, key=lambda d: (-d.amount, d.pk)):
            if deal.status == DealStatus.WON and deal.company is not None and deal.company not in seen:
                seen.append(deal.company)
            if len(seen) == 4:
                break
        for company in seen:
            first_ten = "10" + "".join(str(self.rng.randrange(10)) for _ in range(8))
            national_id = company_national_id(first_ten)
            services_catalog.save_billing_profile(
                actor=self.admin,
                customer=company,
                values={
                    "legal_name": company.name,
                    "national_id": national_id,
                    "economic_code": national_id,
                    "tier": self.vip.pk,
                    "payment_terms_days": 45,
                },
            )

    # deal lines
    def rows_for(self, deal: Deal) -> list[dict]:
        rng = self.rng
        main = next((code for name, code in BY_TITLE.items() if deal.title.startswith(name)), "CRM-USR")
        codes = [main, *rng.sample([c for c in EXTRAS if c != main], rng.choice([0, 1, 1, 2]))]
        rows = []
        for code in codes:
            low, high = QUANTITIES.get(self.products[code].unit, (1, 1))
            row = {"product": self.products[code].pk, "quantity": rng.randint(low, high)}
            if rng.random() < 0.2:
                row["discount_percent"] = rng.choice([3, 5])
            rows.append(row)
        return rows

    def add_lines(self, deals: Sequence[Deal]) -> list[Deal]:
        start = self.now - dt.timedelta(days=INVOICE_WINDOW_DAYS)
        open_deals = [d for d in deals if d.status == DealStatus.OPEN and self.rng.random() < OPEN_WITH_LINES]
        won = [
            d
            for d in deals
            if d.status == DealStatus.WON
            and d.closed_at
            and d.closed_at >= start
            and self.rng.random() < WON_WITH_LINES
        ]
        # The most recent of each, so the lists' first pages show them.
        open_deals.sort(key=lambda d: d.created_at)
        won.sort(key=lambda d: d.closed_at)
        chosen = open_deals[-MAX_OPEN_WITH_LINES:] + won[-MAX_WON_WITH_LINES:]
        lined = []
        for deal in chosen:
            deal.refresh_from_db(fields=["version", "amount"])
            lined.append(lines.set_deal_lines(actor=deal.owner, deal=deal, rows=self.rows_for(deal)))
        self.counts.lined_deals = len(lined)
        return lined

    # quotes: made today from open deals, in the states a quote passes through
    def make_quotes(self, lined: Sequence[Deal]) -> None:
        candidates = [d for d in lined if d.status == DealStatus.OPEN and d.contact and d.contact.emails]
        # The customer's e-mail stays in the outbox: demo customers are made up and must never be written to.
        with override_settings(
            PEYVAND_MESSAGING_BACKENDS={"email": "peyvand.messaging.backends.OutboxOnlyBackend"}
        ):
            for n, (deal, state) in enumerate(zip(candidates, QUOTE_STATES, strict=False)):
                quote = services_quotes.create_quote_from_deal(actor=deal.owner, deal=deal)
                if state != "draft":
                    quote = services_quotes.mark_quote_ready(actor=deal.owner, quote=quote)
                if state in ("sent", "accepted", "changes"):
                    quote = services_quotes.send_quote(actor=deal.owner, quote=quote)
                if state == "accepted":
                    services_quotes.accept_quote(
                        actor=None,
                        quote=quote,
                        name=f"{deal.contact.first_name} {deal.contact.last_name}".strip(),
                        address=DOCUMENTATION_ADDRESS.format(10 + n),
                    )
                elif state == "changes":
                    services_quotes.request_quote_changes(
                        actor=None,
                        quote=quote,
                        text=CHANGE_REQUESTS[n % len(CHANGE_REQUESTS)],
                        name=f"{deal.contact.first_name} {deal.contact.last_name}".strip(),
                        address=DOCUMENTATION_ADDRESS.format(10 + n),
                    )
                self.counts.quotes += 1

    # invoices and payments for won deals
    def make_invoices(self, lined: Sequence[Deal]) -> None:
        rng = self.rng
        won = [d for d in lined if d.status == DealStatus.WON and (d.company_id or d.contact_id)]
        planned = []
        for deal in won:
            day = min(timezone.localdate(deal.closed_at) + dt.timedelta(days=rng.randrange(0, 6)), self.today)
            planned.append((day, deal.pk, deal))
        planned.sort(key=lambda item: (item[0], item[1]))  # oldest first: numbers rise with the dates
        issued = []
        for day, _pk, deal in planned:
            manager = self.manager(deal)
            draft = services_invoices.create_invoice(
                actor=manager,
                values={
                    "deal": deal.pk,
                    "owner": deal.owner,
                    "lines": [
                        {
                            "product": line.product_id,
                            "description": line.description,
                            "quantity": str(line.quantity),
                            "unit_price": str(line.unit_price),
                            "discount_percent": str(line.discount_percent),
                            "tax_percent": str(line.tax_percent),
                        }
                        for line in lines.deal_lines(deal)
                    ],
                },
            )
            issued.append(services_invoices.issue_invoice(actor=manager, invoice=draft, issue_date=day))
        self.counts.invoices = len(issued)
        for invoice in issued:
            self.pay(invoice)
        for invoice in issued:
            services_invoices.mark_overdue(invoice=invoice, today=self.today)

    def pay(self, invoice: Invoice) -> None:
        """Most invoices due by now are paid, some in full by a cheque and a transfer, some in part, some not at
        all; recent ones mostly wait."""
        rng = self.rng
        due_passed = invoice.due_date < self.today
        roll = rng.random()
        if roll < (0.7 if due_passed else 0.25):
            if rng.random() < 0.6:
                self.payment(invoice, invoice.total, cheque=rng.random() < 0.3)
            else:
                first = (invoice.total * Decimal("0.4")).quantize(Decimal(1))
                self.payment(invoice, first, cheque=True)
                self.payment(invoice, invoice.total - first, cheque=False)
        elif roll < (0.85 if due_passed else 0.6):
            share = Decimal(rng.choice(["0.3", "0.5"]))
            self.payment(invoice, (invoice.total * share).quantize(Decimal(1)), cheque=rng.random() < 0.5)

    def payment(self, invoice: Invoice, amount: Decimal, *, cheque: bool) -> None:
        rng = self.rng
        received = min(invoice.issue_date + dt.timedelta(days=rng.randrange(3, 50)), self.today)
        values = {
            "company": invoice.company_id,
            "contact": invoice.contact_id if invoice.company_id is None else None,
            "amount": str(amount),
            "received_on": received,
            "allocations": [{"invoice": invoice.pk, "amount": str(amount)}],
            "owner": invoice.owner,
        }
        if cheque:
            due = received + dt.timedelta(days=rng.choice([15, 30, 45]))
            values |= {
                "method": PaymentMethod.CHEQUE,
                "cheque_number": f"{rng.randrange(10**15, 10**16)}",  # a Sayad cheque's 16 digits
                "cheque_bank": rng.choice(BANKS),
                "cheque_due_date": due,
                "cheque_status": "cleared" if due <= self.today else "pending",
            }
        else:
            values |= {"method": PaymentMethod.TRANSFER, "reference": f"{rng.randrange(10**11, 10**12)}"}
        services_payments.record_payment(
            actor=self.manager_of.get(invoice.team_id, self.admin), values=values
        )
        self.counts.payments += 1


def load(
    *, deals: Sequence[Deal], admin, managers: dict[int, object], now: dt.datetime, seed: int
) -> BillingCounts:
    """Fill billing for the demo's ``deals`` (saved, with their owners, companies and contacts loaded)."""
    maker = _Billing(admin=admin, managers=managers, now=now, seed=seed)
    maker.set_up()
    maker.make_vip_customers(deals)
    lined = maker.add_lines(deals)
    maker.make_quotes(lined)
    maker.make_invoices(lined)
    return maker.counts
