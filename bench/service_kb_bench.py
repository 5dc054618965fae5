"""Knowledge-base search speed on a large knowledge base (PostgreSQL).

    nice -n 10 python -m bench.service_kb_bench --articles 50000 \
        --postgres postgres://postgres@127.0.0.1:5432/peyvand_bench_kb

The database named in --postgres is dropped and created afresh, migrated, and filled with N articles (seven in ten
Persian, some typed with Arabic ي/ك and ZWNJ, the rest English; six in ten public; seven in ten published, two in
ten drafts, one archived) of a title of 3–7 words and a text of 6–14 sentences (about 0.6–1.5 KB) drawn from the
words of a help desk, each with its ``search_text`` as ``core.records`` builds it (normalised title then text);
then ``VACUUM ANALYZE``. ``--reuse`` keeps an existing filled database. It then times ``search_articles`` for 50
realistic Persian and English searches (one and two words), as the help centre asks (public only, the visitor's
language first) and as staff ask (every article), --runs times each after a warm-up, and ``suggest_articles`` for
10 ticket texts; with a baseline measured in the same run: ``SELECT count(*)`` of the published articles. p50 and
p95 over all the searches are printed in milliseconds, with each p95's ratio to the baseline's.
"""

import argparse
import random
import statistics
import sys
import time

from bench.dashboard_bench import _reset_sequence, _setup, bulk_loading, fresh_postgres

PERSIAN_WORDS = (
    "رمز عبور ورود حساب کاربری فاکتور پرداخت درگاه بانک کارت تراکنش ارسال مرسوله پیگیری سفارش بازگشت کالا "
    "گارانتی تعمیر نصب راه‌اندازی چاپگر پرینتر شبکه اینترنت مودم تنظیمات ایمیل پیامک اعلان گزارش خروجی "
    "اکسل قرارداد تمدید اشتراک تخفیف کد معرف امتیاز باشگاه مشتریان تیکت پشتیبانی کارشناس پاسخ تماس تلفن "
    "شماره همراه آدرس کدپستی فروشگاه شعبه ساعت کاری تعطیلات نوروز موجودی انبار قیمت مالیات ارزش افزوده "
    "رسید صورتحساب بیمه خرابی قطعه یدکی باتری شارژر صفحه نمایش به‌روزرسانی نرم‌افزار نسخه برنامه موبایل "
    "اندروید آیفون ویندوز مرورگر کوکی حافظه پشتیبان‌گیری بازیابی اطلاعات امنیت احراز هویت دومرحله‌ای"
).split()
PERSIAN_GLUE = "را با از در به برای که و یا تا اگر سپس بعد روی".split()
ENGLISH_WORDS = (
    "password login account invoice payment gateway bank card transaction shipping parcel tracking order "
    "return refund warranty repair install setup printer network internet router settings email sms "
    "notification report export spreadsheet contract renewal subscription discount code referral points "
    "loyalty ticket support agent reply call phone number address postcode store branch hours holiday "
    "stock warehouse price tax receipt statement insurance fault spare part battery charger screen update "
    "software version app mobile android iphone windows browser cookie memory backup restore data security "
    "verification two-factor"
).split()
ENGLISH_GLUE = "the a to of in on for with and or then after if your".split()

# What customers and agents type: one and two words, Persian (some with Arabic ي/ك, Persian digits or no ZWNJ)
# and English.
TERMS = (
    "رمز عبور",
    "فاكتور",
    "پرداخت",
    "درگاه بانک",
    "ارسال مرسوله",
    "پيگيري سفارش",
    "بازگشت کالا",
    "گارانتی",
    "نصب چاپگر",
    "پرینتر",
    "مودم",
    "تنظيمات ایمیل",
    "پیامک",
    "گزارش اکسل",
    "تمدید اشتراک",
    "کد تخفیف",
    "باشگاه مشتریان",
    "تیکت",
    "ساعت کاری",
    "نوروز",
    "موجودی انبار",
    "مالیات",
    "ارزش افزوده",
    "صورتحساب",
    "باتری",
    "به روزرسانی",
    "نرم افزار",
    "اندروید",
    "احراز هویت",
    "کدپستی",
    "password",
    "invoice",
    "payment gateway",
    "refund",
    "warranty",
    "install printer",
    "router settings",
    "email",
    "export spreadsheet",
    "subscription renewal",
    "discount code",
    "loyalty points",
    "support ticket",
    "store hours",
    "tax",
    "battery",
    "software update",
    "backup",
    "two-factor",
    "browser cookie",
)
TICKETS = (
    "سلام، پرداخت من از درگاه بانک انجام شد ولی فاکتور صادر نشد",
    "پرینتر بعد از نصب چاپ نمی‌کند و خطای شبکه می‌دهد",
    "کد تخفیف باشگاه مشتریان کار نمی‌کند",
    "مرسوله من هنوز نرسیده، کد پیگیری سفارش را ندارم",
    "رمز عبور حساب کاربری را فراموش کرده‌ام",
    "Hello, my invoice shows the wrong tax amount",
    "The app does not install on my android phone after the update",
    "I need a refund for a returned order",
    "Two-factor verification code never arrives by sms",
    "Router settings reset after the firmware update",
)


def _sentence(rnd: random.Random, words, glue) -> str:
    n = rnd.randint(6, 14)
    return " ".join(rnd.choice(words) if rnd.random() < 0.65 else rnd.choice(glue) for _ in range(n))


def _arabic(rnd: random.Random, text: str) -> str:
    """Some agents type with an Arabic keyboard layout: ي and ك in place of ی and ک, and no ZWNJ."""
    if rnd.random() < 0.2:
        return text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    return text


def generate(articles: int, seed: int = 1) -> dict[str, int]:
    from django.db import connection, transaction

    from peyvand.accounts.models import Role, Team, User
    from peyvand.core.text import clean_display_text, normalize_text
    from peyvand.service.models import Article, ArticleCategory

    rnd = random.Random(seed)
    counts: dict[str, int] = {}
    with transaction.atomic(), bulk_loading(Article):
        team = Team.objects.create(name="پشتیبانی")
        agents = [
            User.objects.create(username=f"agent{i}", role=Role.SUPPORT_AGENT, team=team) for i in range(20)
        ]
        categories = [ArticleCategory.objects.create(name=f"دسته {i}", position=i) for i in range(12)]
        batch: list[Article] = []
        for _ in range(articles):
            persian = rnd.random() < 0.7
            words, glue = (PERSIAN_WORDS, PERSIAN_GLUE) if persian else (ENGLISH_WORDS, ENGLISH_GLUE)
            title = clean_display_text(" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 7))))[:200]
            body = "\n".join(
                _arabic(rnd, _sentence(rnd, words, glue)) + "." for _ in range(rnd.randint(6, 14))
            )
            roll = rnd.random()
            status = "published" if roll < 0.7 else "draft" if roll < 0.9 else "archived"
            owner = rnd.choice(agents)
            batch.append(
                Article(
                    title=title,
                    body=body,
                    kind=rnd.choice(("faq", "how_to", "troubleshooting")),
                    audience="public" if rnd.random() < 0.6 else "internal",
                    status=status,
                    language="fa" if persian else "en",
                    category=rnd.choice(categories),
                    helpful_yes=rnd.randint(0, 50),
                    helpful_no=rnd.randint(0, 10),
                    owner=owner,
                    team=team,
                    search_text=f"{normalize_text(title)} {normalize_text(body)}",
                )
            )
            if len(batch) == 2000:
                Article.objects.bulk_create(batch)
                batch = []
        if batch:
            Article.objects.bulk_create(batch)
        _reset_sequence(Article)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('service_article'))")
        print(f"service_article: {cursor.fetchone()[0]}")
    counts["articles"] = Article.all_objects.count()
    return counts


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    return statistics.median(samples), p95


def _timed_all(calls, runs: int) -> tuple[float, float]:
    """p50 and p95 over every call × run, each call warmed up once."""
    samples = []
    for call in calls:
        call()
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def add_trigram_index() -> None:
    """What the indexed search of every type (issue 19) would add for articles: LIKE '%word%' read from a
    trigram index instead of every row's text."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_article_search_trgm ON service_article "
            "USING gin (search_text gin_trgm_ops)"
        )
        cursor.execute("ANALYZE service_article")
    print(f"trigram index built in {time.perf_counter() - started:.0f} s", flush=True)


def measure(runs: int) -> None:
    from django.db import connection

    from peyvand.service.selectors_kb import search_articles, suggest_articles

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM service_article WHERE status = 'published'")
            cursor.fetchone()

    base = _timed_all([baseline], runs * 5)
    print(f"baseline  SELECT count(*) of published articles: p50 {base[0]:.1f} ms, p95 {base[1]:.1f} ms")
    found = [len(search_articles(t, public_only=True, language="fa")) for t in TERMS]
    print(f"public hits per term (of at most 20): min {min(found)}, median {statistics.median(found):.0f}")
    cases = [
        (
            "search_articles, help centre (public, Persian visitor)",
            [lambda t=t: search_articles(t, public_only=True, language="fa") for t in TERMS],
        ),
        (
            "search_articles, help centre (public, English visitor)",
            [lambda t=t: search_articles(t, public_only=True, language="en") for t in TERMS],
        ),
        (
            "search_articles, staff (every article)",
            [lambda t=t: search_articles(t, public_only=False) for t in TERMS],
        ),
        ("suggest_articles, 10 tickets", [lambda t=t: suggest_articles(t) for t in TICKETS]),
    ]
    print("| query | p50 / p95 ms | p95 ÷ baseline p95 |")
    print("|---|---|---|")
    for label, calls in cases:
        p50, p95 = _timed_all(calls, runs)
        print(f"| {label} | {p50:.0f} / {p95:.0f} | {p95 / base[1]:.0f}× |", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep an existing filled database")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument(
        "--trigram-index",
        action="store_true",
        help="first add a pg_trgm GIN index on the search text (not in the schema: what indexed search would give)",
    )
    args = parser.parse_args(argv)
    if not args.reuse:
        fresh_postgres(args.postgres)
    _setup(args.postgres)
    if not args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = generate(args.articles)
        print(f"generated in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    if args.trigram_index:
        add_trigram_index()
    if not args.generate_only:
        measure(args.runs)


if __name__ == "__main__":
    sys.exit(main())
