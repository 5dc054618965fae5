"""Demo data: a believable Persian business to try Peyvand with, built from one seeded random generator.

Teams in several cities, their managers and reps, companies and the people who work there, leads, two
pipelines, a year of deals that walked through their stages (with the stage history to prove it), and the
calls, meetings and tasks around them, including some due today for every rep.

Everything is written with ``bulk_create`` inside one transaction, so the default sizes take seconds.
"""

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import jdatetime
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peyvand.accounts.models import Role, Team, User
from peyvand.accounts.services import create_user
from peyvand.activities.models import Activity, ActivityKind, ActivityLink
from peyvand.activities.services import concerned
from peyvand.contacts.duplicates import index_all
from peyvand.contacts.merge import mergeable_types
from peyvand.contacts.models import Company, CompanySize, Contact
from peyvand.core.audit import plain_value
from peyvand.core.choices import Channel
from peyvand.core.holidays import add_fixed_holidays
from peyvand.core.links import ref_of
from peyvand.core.models import AuditAction, AuditEntry, Tag
from peyvand.core.phones import InvalidPhone, to_e164
from peyvand.core.records import _refresh_search_text
from peyvand.demo.billing import load as load_billing
from peyvand.demo.messages import load as load_message_templates
from peyvand.demo.reminders import load as load_reminders
from peyvand.demo.rules import load as load_rules
from peyvand.demo.sales_process import load as load_stage_rules
from peyvand.demo.service import load as load_service
from peyvand.demo.targets import load as load_targets
from peyvand.leads.models import Lead, LeadStatus
from peyvand.sales.models import Deal, DealStatus, LostReason, Pipeline, Stage, StageHistory, StageKind

DEMO_PASSWORD = "peyvand-demo"
BATCH = 500
HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class DemoSizes:
    companies: int = 500
    contacts: int = 2000
    leads: int = 200
    deals: int = 1000
    activities: int = 5000


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    admin: str = ""
    manager: str = ""
    rep: str = ""
    password: str = DEMO_PASSWORD
    web_form_key: str = ""
    billing: dict[str, int] = field(default_factory=dict)
    service: dict[str, int] = field(default_factory=dict)
    support: str = ""


# fmt: off
# --- word lists ---------------------------------------------------------------------------------------------
# Names come with a Latin spelling for e-mail addresses and web sites.

MALE_NAMES = [
    ("علی", "ali"), ("محمد", "mohammad"), ("حسین", "hossein"), ("رضا", "reza"), ("مهدی", "mehdi"),
    ("امیر", "amir"), ("حمید", "hamid"), ("سعید", "saeed"), ("مجید", "majid"), ("محسن", "mohsen"),
    ("مصطفی", "mostafa"), ("کامران", "kamran"), ("بهزاد", "behzad"), ("فرهاد", "farhad"), ("آرش", "arash"),
    ("بابک", "babak"), ("پویا", "pouya"), ("سامان", "saman"), ("کیوان", "keyvan"), ("نیما", "nima"),
    ("امید", "omid"), ("وحید", "vahid"), ("جواد", "javad"), ("هادی", "hadi"), ("احسان", "ehsan"),
    ("میلاد", "milad"), ("پیمان", "peyman"), ("شهرام", "shahram"), ("داریوش", "dariush"), ("مسعود", "masoud"),
    ("اکبر", "akbar"), ("یوسف", "yousef"), ("سیاوش", "siavash"), ("کوروش", "kourosh"), ("بهرام", "bahram"),
]
FEMALE_NAMES = [
    ("زهرا", "zahra"), ("فاطمه", "fatemeh"), ("مریم", "maryam"), ("سارا", "sara"), ("نرگس", "narges"),
    ("لیلا", "leila"), ("الهام", "elham"), ("شیرین", "shirin"), ("نازنین", "nazanin"), ("مهسا", "mahsa"),
    ("پریسا", "parisa"), ("سمیرا", "samira"), ("نگار", "negar"), ("آزاده", "azadeh"), ("فرناز", "farnaz"),
    ("هانیه", "hanieh"), ("ریحانه", "reyhaneh"), ("مینا", "mina"), ("ترانه", "taraneh"), ("شیما", "shima"),
    ("یاسمن", "yasaman"), ("کیمیا", "kimia"), ("بهاره", "bahareh"), ("سپیده", "sepideh"), ("رویا", "roya"),
    ("طاهره", "tahereh"), ("معصومه", "masoumeh"), ("آیدا", "aida"), ("نسرین", "nasrin"), ("گلناز", "golnaz"),
]
LAST_NAMES = [
    ("احمدی", "ahmadi"), ("محمدی", "mohammadi"), ("حسینی", "hosseini"), ("رضایی", "rezaei"),
    ("کریمی", "karimi"), ("موسوی", "mousavi"), ("جعفری", "jafari"), ("صادقی", "sadeghi"),
    ("رحیمی", "rahimi"), ("عباسی", "abbasi"), ("هاشمی", "hashemi"), ("نوری", "nouri"), ("قاسمی", "ghasemi"),
    ("طاهری", "taheri"), ("کاظمی", "kazemi"), ("اکبری", "akbari"), ("شریفی", "sharifi"), ("مرادی", "moradi"),
    ("یزدانی", "yazdani"), ("تهرانی", "tehrani"), ("اصفهانی", "esfahani"), ("شیرازی", "shirazi"),
    ("تبریزی", "tabrizi"), ("نجفی", "najafi"), ("فرهادی", "farhadi"), ("سلیمانی", "soleimani"),
    ("امیری", "amiri"), ("بهرامی", "bahrami"), ("ملکی", "maleki"), ("زارعی", "zarei"), ("کیانی", "kiani"),
    ("نیک‌نام", "niknam"), ("پورمحمدی", "pourmohammadi"), ("خسروی", "khosravi"), ("افشار", "afshar"),
    ("باقری", "bagheri"), ("جلالی", "jalali"), ("رستمی", "rostami"), ("وکیلی", "vakili"),
    ("میرزایی", "mirzaei"), ("صفوی", "safavi"), ("حیدری", "heidari"), ("قربانی", "ghorbani"),
    ("سلطانی", "soltani"), ("یوسفی", "yousefi"), ("مختاری", "mokhtari"), ("توکلی", "tavakoli"),
    ("فتحی", "fathi"), ("شجاعی", "shojaei"), ("دهقان", "dehghan"), ("زمانی", "zamani"), ("نادری", "naderi"),
]
# About one contact in ten is a foreign partner and keeps a Latin name.
ENGLISH_FIRST = ["David", "Sarah", "Michael", "Emma", "James", "Laura", "Thomas", "Anna", "Peter", "Julia",
                 "Daniel", "Sophie", "Lukas", "Elena"]
ENGLISH_LAST = ["Miller", "Smith", "Johnson", "Schmidt", "Brown", "Weber", "Fischer", "Wilson", "Taylor",
                "Novak", "Rossi", "Becker"]

# city, province, area code, how common
CITIES = [
    ("تهران", "تهران", "21", 30), ("کرج", "البرز", "26", 6), ("اصفهان", "اصفهان", "31", 12),
    ("مشهد", "خراسان رضوی", "51", 10), ("شیراز", "فارس", "71", 9), ("تبریز", "آذربایجان شرقی", "41", 8),
    ("اهواز", "خوزستان", "61", 5), ("رشت", "گیلان", "13", 4), ("قم", "قم", "25", 3), ("کرمان", "کرمان", "34", 3),
    ("یزد", "یزد", "35", 3),
]
CITY_INFO = {name: (region, code) for name, region, code, _weight in CITIES}

# team, its city, the cities it sells to, its manager and reps (username, first, last)
TEAMS = [
    ("فروش تهران", "تهران", ["تهران", "کرج", "قم", "رشت", "تبریز"],
     ("m.rahimi", "مریم", "رحیمی"), [("a.karimi", "علی", "کریمی"), ("s.mousavi", "سارا", "موسوی")]),
    ("فروش اصفهان", "اصفهان", ["اصفهان", "شیراز", "اهواز"],
     ("h.jalali", "حمید", "جلالی"), [("r.sadeghi", "رضا", "صادقی"), ("e.nouri", "الهام", "نوری")]),
    ("فروش مشهد", "مشهد", ["مشهد", "کرمان", "یزد"],
     ("n.tavakoli", "نرگس", "توکلی"), [("p.hosseini", "پویا", "حسینی"), ("l.ahmadi", "لیلا", "احمدی")]),
]
ADMIN = ("admin", "کامران", "افشار")
SUPPORT = ("z.kazemi", "زهرا", "کاظمی")
MARKETER = ("b.shirazi", "بهاره", "شیرازی")

BRANDS = [
    ("آریا", "arya"), ("پارس", "pars"), ("سپهر", "sepehr"), ("البرز", "alborz"), ("دماوند", "damavand"),
    ("کوثر", "kowsar"), ("نوین", "novin"), ("پیشگامان", "pishgaman"), ("آفتاب", "aftab"), ("مهر", "mehr"),
    ("رایان", "rayan"), ("کاوه", "kaveh"), ("آرمان", "arman"), ("زاگرس", "zagros"), ("سیمرغ", "simorgh"),
    ("ققنوس", "ghoghnoos"), ("پویا", "pouya"), ("نگین", "negin"), ("ستاره", "setareh"), ("رهنما", "rahnama"),
    ("ارغوان", "arghavan"), ("آسمان", "aseman"), ("فراز", "faraz"), ("بهین", "behin"), ("تابان", "taban"),
    ("دانا", "dana"), ("هامون", "hamoun"), ("کیمیا", "kimia"), ("نیکان", "nikan"), ("آوا", "ava"),
    ("پرشین", "persian"), ("ایرانیان", "iranian"), ("خلیج فارس", "khalijfars"), ("توسن", "tosan"),
    ("سپنتا", "sepanta"), ("مانا", "mana"), ("آراد", "arad"), ("رادین", "radin"), ("پارسیان", "parsian"),
    ("شایان", "shayan"), ("آذر", "azar"), ("ماهان", "mahan"), ("بامداد", "bamdad"), ("اکسیر", "exir"),
    ("ثمین", "samin"), ("گستر", "gostar"), ("تدبیر", "tadbir"),
]
# industry, how common, name patterns (Persian, Latin) around a brand
INDUSTRIES = [
    ("نرم‌افزار", 14, [("داده‌پردازان {b}", "{b}data"), ("فناوری اطلاعات {b}", "{b}it"),
                       ("نرم‌افزاری {b}", "{b}soft"), ("{b} سیستم", "{b}system")]),
    ("پخش مواد غذایی", 12, [("پخش {b}", "{b}pakhsh"), ("صنایع غذایی {b}", "{b}food"),
                            ("بازرگانی {b}", "{b}trading")]),
    ("ساختمان", 10, [("ساختمانی {b}", "{b}construction"), ("انبوه‌سازان {b}", "{b}build"),
                     ("عمران {b}", "{b}omran")]),
    ("تجهیزات پزشکی", 9, [("تجهیزات پزشکی {b}", "{b}medical"), ("طب {b}", "{b}teb"),
                          ("{b} سلامت", "{b}salamat")]),
    ("خودرو و قطعات", 7, [("قطعه‌سازی {b}", "{b}parts"), ("صنایع خودرویی {b}", "{b}auto")]),
    ("پتروشیمی", 5, [("پتروشیمی {b}", "{b}petro"), ("صنایع شیمیایی {b}", "{b}chem")]),
    ("داروسازی", 5, [("داروسازی {b}", "{b}pharma"), ("دارویی {b}", "{b}daru")]),
    ("آموزش", 6, [("مؤسسه آموزشی {b}", "{b}edu"), ("آموزشگاه {b}", "{b}academy")]),
    ("حمل و نقل", 7, [("حمل‌ونقل {b}", "{b}transport"), ("ترابری {b}", "{b}logistics")]),
    ("گردشگری", 5, [("گردشگری {b}", "{b}travel"), ("هتل‌های {b}", "{b}hotels")]),
    ("خرده‌فروشی", 8, [("فروشگاه‌های زنجیره‌ای {b}", "{b}market"), ("هایپر {b}", "{b}hyper")]),
    ("فولاد و فلزات", 6, [("فولاد {b}", "{b}steel"), ("صنایع فلزی {b}", "{b}metal")]),
    ("مخابرات", 4, [("ارتباطات {b}", "{b}telecom"), ("شبکه {b}", "{b}net")]),
    ("بیمه و خدمات مالی", 4, [("کارگزاری بیمه {b}", "{b}bimeh"), ("سرمایه‌گذاری {b}", "{b}invest")]),
]
SIZES = [(CompanySize.MICRO, 20), (CompanySize.SMALL, 35), (CompanySize.MEDIUM, 25), (CompanySize.LARGE, 15),
         (CompanySize.ENTERPRISE, 5)]
SIZE_WEIGHT = {CompanySize.MICRO: 1, CompanySize.SMALL: 2, CompanySize.MEDIUM: 3, CompanySize.LARGE: 4,
               CompanySize.ENTERPRISE: 5}
MOBILE_PREFIXES = ["912", "912", "912", "935", "936", "937", "938", "939", "901", "902", "903", "905", "919",
                   "913", "914", "915", "917", "990", "991", "921", "922", "933"]
TITLES = [("مدیرعامل", 8), ("مدیر خرید", 12), ("کارشناس خرید", 10), ("مدیر فناوری اطلاعات", 8),
          ("مدیر مالی", 7), ("مدیر بازرگانی", 7), ("مدیر فروش", 6), ("کارشناس فنی", 6), ("مدیر عملیات", 5),
          ("عضو هیئت‌مدیره", 3), ("مسئول تدارکات", 6), ("مدیر اداری", 4), ("کارشناس مالی", 5)]
AUDIENCES = ["شرکت‌های بزرگ", "کسب‌وکار کوچک", "سازمان دولتی", "نمایندگان فروش", "استارتاپ"]
SOURCES = [(Channel.WEBSITE, 20), (Channel.REFERRAL, 15), (Channel.PHONE, 14), (Channel.EXHIBITION, 12),
           (Channel.CAMPAIGN, 10), (Channel.SOCIAL, 10), (Channel.LANDING_PAGE, 8), (Channel.EMAIL, 5),
           (Channel.IMPORT, 4), (Channel.OTHER, 2)]
LEAD_NOTES = {
    Channel.WEBSITE: ["از طریق فرم وب‌سایت درخواست دمو داد.", "در سایت قیمت نسخه سازمانی را پرسید."],
    Channel.REFERRAL: ["معرفی شده توسط یکی از مشتریان فعلی.", "همکار سابق مدیر خرید یکی از مشتریان است."],
    Channel.PHONE: ["خودش تماس گرفت و درباره قیمت سؤال کرد.", "تماس ورودی؛ به نسخه آزمایشی علاقه دارد."],
    Channel.EXHIBITION: ["در نمایشگاه الکامپ به غرفه ما آمد.", "کارت ویزیت را در نمایشگاه ایران‌پلاست گرفتیم."],
    Channel.CAMPAIGN: ["به کمپین پیامکی نوروز پاسخ داد.", "از کمپین تخفیف پاییزه آمده است."],
    Channel.SOCIAL: ["از طریق صفحه لینکدین پیام داد.", "در اینستاگرام درباره محصول سؤال کرد."],
    Channel.LANDING_PAGE: ["فرم صفحه معرفی ماژول انبارداری را پر کرد.", "کتاب الکترونیکی را دانلود کرد."],
    Channel.EMAIL: ["به خبرنامه ماهانه پاسخ داد.", "ایمیل درخواست مشاوره فرستاد."],
    Channel.IMPORT: ["از فهرست شرکت‌کنندگان وبینار وارد شد."],
    Channel.OTHER: ["از طریق آشنایان معرفی شد."],
}
TAGS = [("مشتری کلیدی", "#dc2626"), ("VIP", "#9333ea"), ("نمایشگاه", "#2563eb"), ("دولتی", "#0891b2"),
        ("صادراتی", "#16a34a"), ("نیاز به پیگیری", "#f59e0b"), ("معرفی‌شده", "#db2777"),
        ("قرارداد سالانه", "#4b5563")]
COMPANY_TAGS = ["مشتری کلیدی", "VIP", "دولتی", "صادراتی", "قرارداد سالانه"]
CONTACT_TAGS = ["VIP", "نمایشگاه", "معرفی‌شده", "نیاز به پیگیری"]
DEAL_TAGS = ["مشتری کلیدی", "نیاز به پیگیری", "قرارداد سالانه"]

# pipeline, default?, products sold through it, open stages (name, probability)
PIPELINES = [
    ("فروش نرم‌افزار", True,
     ["لایسنس CRM سازمانی", "پیاده‌سازی ماژول انبار", "نرم‌افزار حسابداری", "سامانه منابع انسانی",
      "اتوماسیون اداری", "پورتال مشتریان", "اپلیکیشن موبایل فروش", "سامانه پخش مویرگی"],
     [("سرنخ واجد شرایط", 10), ("جلسه معرفی", 25), ("ارائه پیشنهاد", 50), ("مذاکره", 75)]),
    ("خدمات پشتیبانی", False,
     ["قرارداد پشتیبانی سالانه", "تمدید پشتیبانی", "آموزش کاربران", "مهاجرت داده‌ها",
      "پشتیبانی ویژه ۲۴ ساعته", "ارتقای نسخه", "استقرار روی سرور مشتری"],
     [("درخواست اولیه", 10), ("نیازسنجی", 30), ("ارسال پیش‌فاکتور", 55), ("در انتظار تأیید", 80),
      ("آماده عقد قرارداد", 90)]),
]
WON_STAGE, LOST_STAGE = "موفق", "ناموفق"
LOST_REASONS = ["قیمت بالاتر از بودجه مشتری بود", "مشتری رقیب را انتخاب کرد", "پروژه به سال بعد موکول شد",
                "مشتری دیگر پاسخ نداد", "نیاز مشتری با محصول همخوانی نداشت", "مدیریت شرکت مشتری تغییر کرد",
                "بودجه تصویب نشد", "زمان تحویل برای مشتری طولانی بود"]
# Which of the list's default reasons (price, competitor, no budget, no decision, timing, by their place) each of
# the texts above is, so the demo's lost deals carry a reason of the list too.
LOST_REASON_PLACE = [0, 1, 4, 3, 3, 3, 2, 4]

ACTIVITY_KINDS = [(ActivityKind.CALL, 35), (ActivityKind.TASK, 25), (ActivityKind.MEETING, 15),
                  (ActivityKind.EMAIL, 15), (ActivityKind.NOTE, 10)]
SUBJECTS = {
    ActivityKind.CALL: ["تماس پیگیری پیش‌فاکتور با {who}", "تماس معرفی با {who}", "هماهنگی جلسه با {who}",
                        "پیگیری پرداخت با {who}", "تماس رضایت‌سنجی با {who}"],
    ActivityKind.MEETING: ["جلسه معرفی محصول با {who}", "دمو آنلاین برای {who}", "جلسه مذاکره قیمت با {who}",
                           "بازدید از دفتر {who}", "جلسه نیازسنجی با {who}"],
    ActivityKind.TASK: ["ارسال پیش‌فاکتور برای {who}", "تهیه پروپوزال فنی برای {who}",
                        "ارسال قرارداد برای امضای {who}", "پیگیری چک {who}", "آماده‌سازی دمو برای {who}",
                        "به‌روزرسانی اطلاعات تماس {who}"],
    ActivityKind.EMAIL: ["ارسال کاتالوگ محصولات به {who}", "ایمیل پیگیری پس از جلسه با {who}",
                         "ارسال پیش‌فاکتور اصلاح‌شده به {who}", "دعوت {who} به وبینار"],
    ActivityKind.NOTE: ["یادداشت جلسه با {who}", "نکات مذاکره با {who}", "نیازهای {who}"],
}
NOTES = ["مشتری به ماژول گزارش‌گیری علاقه داشت.", "قرار شد نسخه آزمایشی برایشان فعال شود.",
         "تصمیم‌گیرنده نهایی مدیرعامل است.", "بودجه تا پایان فصل تأیید می‌شود.",
         "درخواست ده درصد تخفیف داشتند.", "با سیستم فعلی‌شان از نظر سرعت مشکل دارند.",
         "پرداخت را در دو قسط می‌خواهند.", "واحد فناوری اطلاعات باید نسخه شبکه را بررسی کند."]
CALL_OUTCOMES = ["تماس موفق؛ قرار جلسه گذاشته شد", "پاسخ نداد", "مشغول بود؛ تماس مجدد",
                 "پیش‌فاکتور خواستند", "فعلاً نیازی ندارند", "به واحد خرید ارجاع داد", "منتظر تأیید مدیرعامل"]
MEETING_OUTCOMES = ["روی مرحله بعد توافق شد", "جلسه فنی دوم لازم است", "پیش‌فاکتور درخواست شد",
                    "مشتری قیمت را بالا دانست"]
# fmt: on


# --- helpers ------------------------------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` keep the past times we give it.

    ``auto_now``/``auto_now_add`` fields overwrite any value with the current time in ``pre_save``, which
    ``bulk_create`` calls too; the demo needs records created over the last year, so it switches them off
    for the duration and always restores them.
    """
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _created_changes(obj: models.Model, tag_names: Sequence[str] = ()) -> dict[str, list[Any]]:
    """The audit ``changes`` of a create, as ``create_record`` writes them, without a query per record."""
    changes = {}
    for name in obj.audited_fields:
        f = obj._meta.get_field(name)
        if f.many_to_many:
            value = plain_value(f, list(tag_names))
        elif f.is_relation:
            value = getattr(obj, f.attname)
        else:
            value = plain_value(f, getattr(obj, name))
        if value not in (None, "", [], {}):
            changes[name] = [None, value]
    return changes


def demo_blockers() -> list[str]:
    """Reasons the demo cannot fill this database; empty when it can."""
    problems = []
    if Company.all_objects.exists():
        problems.append(_("The database already has companies; the demo only fills an empty database."))
    usernames = [ADMIN[0], SUPPORT[0], MARKETER[0]]
    for team in TEAMS:
        usernames += [team[3][0], *(rep[0] for rep in team[4])]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        problems.append(_("These usernames are already taken: %(names)s.") % {"names": ", ".join(taken)})
    names = [p[0] for p in PIPELINES]
    existing = sorted(Pipeline.objects.filter(name__in=names).values_list("name", flat=True))
    if existing:
        problems.append(_("These pipelines already exist: %(names)s.") % {"names": ", ".join(existing)})
    return problems


# --- the generator ------------------------------------------------------------------------------------------


class _Demo:
    def __init__(self, *, seed: int, sizes: DemoSizes, now: dt.datetime):
        self.rng = random.Random(seed)
        self.seed = seed
        self.sizes = sizes
        self.now = now
        self.audit_rows: list[AuditEntry] = []
        self.tag_names: dict[tuple[type, int], list[str]] = {}

    # small random helpers
    def weighted(self, pairs: Sequence[tuple[Any, int]]) -> Any:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.uniform(0, (end - start).total_seconds()))

    def days_ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    def log_uniform(self, low: float, high: float) -> float:
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))

    def office_hours(self, at: dt.datetime, earliest: dt.datetime, latest: dt.datetime) -> dt.datetime:
        """The same day between 9 and 17 local time, Friday moved to Thursday, if that stays within bounds."""
        local = timezone.localtime(at)
        if local.weekday() == 4:  # Friday, the Iranian weekend
            local -= dt.timedelta(days=1)
        moved = local.replace(
            hour=self.rng.randint(9, 16), minute=self.rng.choice([0, 15, 30, 45]), second=0, microsecond=0
        )
        # A past activity stays in the past, a planned one stays planned.
        same_side = (moved <= self.now) == (at <= self.now)
        return moved if earliest <= moved <= latest and same_side else at

    def mobile(self) -> str:
        number = "0" + self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"
        return to_e164(number)

    def landline(self, city: str) -> str:
        code = CITY_INFO[city][1]
        for _attempt in range(10):
            first = self.rng.choice("2345678") if code == "21" else self.rng.choice("33333345")
            try:
                return to_e164(f"0{code}{first}{self.rng.randrange(10_000_000):07d}")
            except InvalidPhone:
                continue
        return to_e164(f"0{code}33{self.rng.randrange(1_000_000):06d}")

    def person(self, english_share: float = 0.1) -> tuple[str, str, str, str]:
        """First and last name, in Persian (or Latin for a foreign partner) and in Latin letters."""
        if self.rng.random() < english_share:
            first, last = self.rng.choice(ENGLISH_FIRST), self.rng.choice(ENGLISH_LAST)
            return first, last, first.lower(), last.lower()
        first = self.rng.choice(MALE_NAMES if self.rng.random() < 0.6 else FEMALE_NAMES)
        last = self.rng.choice(LAST_NAMES)
        return first[0], last[0], first[1], last[1]

    def personal_email(self, first_en: str, last_en: str) -> str:
        domain = self.rng.choice(["gmail.com", "gmail.com", "yahoo.com", "chmail.ir", "outlook.com"])
        number = self.rng.choice(
            ["", "", str(self.rng.randrange(10, 99)), str(self.rng.randrange(1350, 1385))]
        )
        return f"{first_en}.{last_en}{number}@{domain}"

    def tags_for(self, obj: models.Model, names: Sequence[str], share: float) -> None:
        if self.rng.random() < share:
            self.tag_names[(type(obj), id(obj))] = self.rng.sample(list(names), self.rng.choice([1, 1, 2]))

    def audit(self, obj: models.Model, at: dt.datetime) -> None:
        tags = self.tag_names.get((type(obj), id(obj)), ())
        self.audit_rows.append(
            AuditEntry(
                content_type=self.content_types[type(obj)],
                object_id=obj.pk,
                action=AuditAction.CREATE,
                actor_id=obj.owner_id,
                at=at,
                version=1,
                changes=_created_changes(obj, tags),
            )
        )

    # steps
    def run(self) -> DemoResult:
        self.content_types = ContentType.objects.get_for_models(Company, Contact, Lead, Deal, Activity)
        self.make_users()
        self.tags = {
            name: Tag.objects.get_or_create(name=name, defaults={"color": color})[0] for name, color in TAGS
        }
        self.make_pipelines()
        self.make_companies()
        self.make_contacts()
        deals = self.plan_deals()
        self.make_leads(deals)
        self.save_deals(deals)
        self.make_activities()
        self.save_tags()
        AuditEntry.objects.bulk_create(self.audit_rows, batch_size=BATCH)
        return DemoResult(
            counts={
                "companies": len(self.companies),
                "contacts": len(self.contacts),
                "leads": len(self.leads),
                "deals": len(self.deals),
                "activities": len(self.activities),
            },
            admin=ADMIN[0],
            manager=TEAMS[0][3][0],
            rep=TEAMS[0][4][0][0],
        )

    def make_users(self) -> None:
        # One hash for everyone: hashing the same password a dozen times would take seconds.
        hashed = make_password(DEMO_PASSWORD)
        created: list[User] = []

        def add(username: str, first: str, last: str, role: str, team: Team | None) -> User:
            user = create_user(
                username=username,
                role=role,
                team=team,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                check_password=False,
            )
            created.append(user)
            return user

        self.admin = add(*ADMIN, Role.ADMIN, None)
        self.reps: list[User] = []
        self.managers: list[User] = []
        self.reps_by_city: dict[str, list[User]] = {}
        self.manager_of: dict[int, User] = {}
        for name, city, cities, manager, reps in TEAMS:
            team = Team.objects.get_or_create(name=name, defaults={"city": city})[0]
            boss = add(*manager, Role.SALES_MANAGER, team)
            self.managers.append(boss)
            self.manager_of[team.pk] = boss
            team_reps = [add(*rep, Role.SALES_REP, team) for rep in reps]
            self.reps += team_reps
            for c in cities:
                self.reps_by_city[c] = team_reps
        self.sales_users = {u.pk: u for u in [*self.reps, *self.managers]}
        self.support = add(*SUPPORT, Role.SUPPORT_AGENT, self.managers[0].team)
        self.marketer = add(*MARKETER, Role.MARKETER, self.managers[0].team)
        User.objects.filter(pk__in=[u.pk for u in created]).update(password=hashed)

    def make_pipelines(self) -> None:
        has_default = Pipeline.objects.filter(is_default=True).exists()
        start = (Pipeline.objects.aggregate(m=models.Max("order"))["m"] or 0) + 1
        self.pipelines = []
        for index, (name, is_default, products, open_stages) in enumerate(PIPELINES):
            pipeline = Pipeline.objects.create(
                name=name, is_default=is_default and not has_default, order=start + index
            )
            stages = [
                Stage(pipeline=pipeline, name=s, order=i, probability=p, kind=StageKind.OPEN)
                for i, (s, p) in enumerate(open_stages)
            ]
            stages.append(
                Stage(
                    pipeline=pipeline, name=WON_STAGE, order=len(stages), probability=100, kind=StageKind.WON
                )
            )
            stages.append(
                Stage(
                    pipeline=pipeline, name=LOST_STAGE, order=len(stages), probability=0, kind=StageKind.LOST
                )
            )
            Stage.objects.bulk_create(stages)
            self.pipelines.append((pipeline, products, stages[:-2], stages[-2], stages[-1]))

    def make_companies(self) -> None:
        rng = self.rng
        used: set[str] = set()
        industries = [(i, i[1]) for i in INDUSTRIES]
        self.companies: list[Company] = []
        self.company_domain: dict[int, str] = {}
        for n in range(self.sizes.companies):
            industry, _weight, patterns = self.weighted(industries)
            for attempt in range(40):
                (fa, en), (brand_fa, brand_en) = rng.choice(patterns), rng.choice(BRANDS)
                slug = en.format(b=brand_en)
                if attempt == 39:  # the word lists ran out: number the name
                    slug += str(n)
                    brand_fa = f"{brand_fa} {n}"
                if slug not in used:
                    break
            used.add(slug)
            name = fa.format(b=brand_fa)
            roll = rng.random()
            if roll < 0.3:
                name = f"شرکت {name}"
            elif roll < 0.4:
                name = f"گروه {name}"
            if rng.random() < 0.1:
                name += " (سهامی خاص)"
            city = self.weighted([(c[0], c[3]) for c in CITIES])
            owner = rng.choice(self.reps_by_city[city])
            domain = slug + rng.choice([".ir", ".ir", ".ir", ".com", ".co.ir"])
            phones = [self.landline(city) for _i in range(rng.choice([1, 1, 2]))]
            emails = ["info@" + domain] + (["sales@" + domain] if rng.random() < 0.4 else [])
            created = self.between(self.days_ago(540), self.days_ago(20))
            company = Company(
                name=name,
                industry=industry,
                size=self.weighted(SIZES),
                region=CITY_INFO[city][0],
                city=city,
                website=f"https://{rng.choice(['www.', ''])}{domain}",
                phones=phones,
                emails=emails,
                owner=owner,
                team_id=owner.team_id,
                created_at=created,
                updated_at=created,
            )
            _refresh_search_text(company)
            self.tags_for(company, COMPANY_TAGS, 0.25)
            self.companies.append(company)
            self.company_domain[id(company)] = domain
        Company.objects.bulk_create(self.companies, batch_size=BATCH)
        for company in self.companies:
            self.audit(company, company.created_at)

    def make_contacts(self) -> None:
        rng = self.rng
        count = self.sizes.contacts
        # Every company gets someone, bigger companies more people; about one contact in eight has none.
        with_company = min(count, max(len(self.companies), round(count * 0.88))) if self.companies else 0
        employers = list(self.companies[:with_company])
        if with_company > len(employers):
            weights = [SIZE_WEIGHT[c.size] for c in self.companies]
            employers += rng.choices(self.companies, weights=weights, k=with_company - len(employers))
        employers += [None] * (count - with_company)
        rng.shuffle(employers)
        self.contacts: list[Contact] = []
        for company in employers:
            first, last, first_en, last_en = self.person()
            if company is not None:
                # The company's rep owns its people too, so a rep can open every record of their deals.
                owner = self.sales_users[company.owner_id]
                city = company.city if rng.random() < 0.85 else self.weighted([(c[0], c[3]) for c in CITIES])
                created = self.between(
                    company.created_at, min(company.created_at + dt.timedelta(days=90), self.days_ago(1))
                )
                domain = self.company_domain[id(company)]
                email = rng.choice([f"{first_en}.{last_en}@{domain}", f"{first_en[0]}.{last_en}@{domain}"])
                emails = [email] + ([self.personal_email(first_en, last_en)] if rng.random() < 0.15 else [])
                title = self.weighted(TITLES)
            else:
                city = self.weighted([(c[0], c[3]) for c in CITIES])
                owner = rng.choice(self.reps_by_city[city])
                created = self.between(self.days_ago(540), self.days_ago(1))
                emails = [self.personal_email(first_en, last_en)]
                title = rng.choice(["", "", "مشاور", "کارشناس آزاد", "مدیر فروش"])
            if rng.random() < 0.1:
                emails = []
            phones = [self.mobile()] + ([self.mobile()] if rng.random() < 0.12 else [])
            birthday = None
            if rng.random() < 0.6:
                birthday = dt.date(rng.randrange(1960, 2001), 1, 1) + dt.timedelta(days=rng.randrange(365))
            contact = Contact(
                first_name=first,
                last_name=last,
                title=title,
                company=company,
                phones=phones,
                emails=emails,
                birthday=birthday,
                source=self.weighted(SOURCES),
                region=CITY_INFO[city][0],
                city=city,
                audience=rng.choice(AUDIENCES) if rng.random() < 0.7 else "",
                owner=owner,
                team_id=owner.team_id,
                created_at=created,
                updated_at=created,
            )
            _refresh_search_text(contact)
            self.tags_for(contact, CONTACT_TAGS, 0.15)
            self.contacts.append(contact)
        Contact.objects.bulk_create(self.contacts, batch_size=BATCH)
        for contact in self.contacts:
            self.audit(contact, contact.created_at)

    def walk(
        self, created: dt.datetime, open_stages: list[Stage], won: Stage, lost: Stage
    ) -> tuple[list[tuple[Stage, dt.datetime]], str]:
        """The stages a deal went through and when it entered each; never later than now."""
        rng = self.rng
        age_days = (self.now - created).total_seconds() / DAY
        # Older deals have mostly closed; overall about a quarter win, 30% are lost, the rest still open.
        closed = rng.random() < min(0.85, age_days / 300)
        outcome = ("won" if rng.random() < 25 / 55 else "lost") if closed else "open"
        last = len(open_stages) - 1
        if outcome == "open":
            reach = rng.choices(range(len(open_stages)), weights=[35, 30, 20, 15, 10][: len(open_stages)])[0]
        elif outcome == "won":
            reach = last
        else:
            reach = rng.choices(range(len(open_stages)), weights=[30, 30, 20, 12, 8][: len(open_stages)])[0]
        path = [s for i, s in enumerate(open_stages[: reach + 1]) if i in (0, reach) or rng.random() > 0.12]
        path += {"won": [won], "lost": [lost], "open": []}[outcome]
        gaps = [self.log_uniform(3 * HOUR, 35 * DAY) for _move in path[1:]]
        available = (self.now - created).total_seconds() - 60
        if sum(gaps) > available * 0.95:
            factor = available * rng.uniform(0.5, 0.95) / sum(gaps)
            gaps = [g * factor for g in gaps]
        moves, at = [(path[0], created)], created
        for stage, gap in zip(path[1:], gaps, strict=True):
            at = min(at + dt.timedelta(seconds=max(60.0, gap)), self.now)
            moves.append((stage, at))
        recent = self.now - dt.timedelta(seconds=rng.uniform(HOUR, 4 * DAY))
        if outcome == "open" and at < recent and rng.random() < 0.85:
            # Most open deals are being worked on: their last step was a few days ago, so the "stuck" badge
            # marks the few that are not (the shortest stage limit is five days).
            if len(moves) > 1:
                moves[-1] = (moves[-1][0], max(recent, moves[-2][1]))
            elif len(open_stages) > 1:
                moves.append((open_stages[1], recent))
        return moves, outcome

    def plan_deals(self) -> list[Deal]:
        rng = self.rng
        buyers = sorted((c for c in self.contacts if c.company is not None), key=lambda c: c.created_at)
        known_since = [c.created_at for c in buyers]
        self.deals: list[Deal] = []
        self.moves: dict[int, list[tuple[Stage, dt.datetime]]] = {}
        if not buyers:
            return self.deals
        start = max(known_since[0], self.days_ago(365))
        reasons = list(LostReason.objects.filter(active=True).order_by("order", "id"))
        for _n in range(self.sizes.deals):
            # Spread evenly over the year, each with someone who was already a contact at the time.
            created = self.between(start, self.now - dt.timedelta(hours=3))
            contact = buyers[rng.randrange(bisect.bisect_right(known_since, created))]
            company = contact.company
            owner = self.sales_users[contact.owner_id]
            pipeline, products, open_stages, won, lost = self.pipelines[0 if rng.random() < 0.7 else 1]
            moves, outcome = self.walk(created, open_stages, won, lost)
            stage, entered = moves[-1]
            closed_at = entered if outcome != "open" else None
            if closed_at:
                expected = closed_at.date()
            else:
                expected = (self.now + dt.timedelta(days=rng.randrange(-20, 90))).date()
            amount = round(self.log_uniform(50_000_000, 20_000_000_000) / 1_000_000) * 1_000_000
            deal = Deal(
                title=f"{rng.choice(products)} — {company.name}",
                amount=Decimal(amount),
                expected_close_date=expected,
                pipeline=pipeline,
                stage=stage,
                status={"open": DealStatus.OPEN, "won": DealStatus.WON, "lost": DealStatus.LOST}[outcome],
                contact=contact,
                company=company,
                lost_reason=(lost_text := rng.choice(LOST_REASONS)) if outcome == "lost" else "",
                stage_entered_at=entered,
                closed_at=closed_at,
                owner=owner,
                team_id=owner.team_id,
                created_at=created,
                updated_at=entered,
            )
            if outcome == "lost" and reasons:
                deal.lost_because = reasons[LOST_REASON_PLACE[LOST_REASONS.index(lost_text)] % len(reasons)]
            _refresh_search_text(deal)
            self.tags_for(deal, DEAL_TAGS, 0.1)
            self.moves[id(deal)] = moves
            self.deals.append(deal)
        return self.deals

    def make_leads(self, deals: list[Deal]) -> None:
        rng = self.rng
        self.leads: list[Lead] = []
        statuses = [
            (LeadStatus.NEW, 30),
            (LeadStatus.CONTACTED, 25),
            (LeadStatus.QUALIFIED, 20),
            (LeadStatus.DISQUALIFIED, 15),
            (LeadStatus.CONVERTED, 10),
        ]
        converted_from: dict[int, Lead] = {}
        for _n in range(self.sizes.leads):
            status = self.weighted(statuses)
            deal = rng.choice(deals) if status == LeadStatus.CONVERTED and deals else None
            if status == LeadStatus.CONVERTED and (deal is None or id(deal.contact) in converted_from):
                status = LeadStatus.QUALIFIED
            if status == LeadStatus.CONVERTED:
                # The lead became this contact, and later this deal.
                contact, company = deal.contact, deal.company
                converted_at = contact.created_at
                created = converted_at - dt.timedelta(seconds=rng.uniform(DAY, 20 * DAY))
                lead = Lead(
                    first_name=contact.first_name,
                    last_name=contact.last_name,
                    title=contact.title,
                    company_name=company.name,
                    industry=company.industry,
                    phone=contact.phones[0],
                    email=contact.emails[0] if contact.emails else "",
                    city=contact.city,
                    region=contact.region,
                    source=contact.source or Channel.OTHER,
                    contact=contact,
                    company=company,
                    converted_at=converted_at,
                    owner_id=deal.owner_id,
                    team_id=deal.team_id,
                    updated_at=converted_at,
                )
                converted_from[id(contact)] = lead
                deal.lead = lead
            else:
                age = {
                    LeadStatus.NEW: 21,
                    LeadStatus.CONTACTED: 60,
                    LeadStatus.QUALIFIED: 90,
                    LeadStatus.DISQUALIFIED: 180,
                }[status]
                created = self.between(self.days_ago(age), self.now - dt.timedelta(hours=1))
                first, last, first_en, last_en = self.person(0.05)
                city = self.weighted([(c[0], c[3]) for c in CITIES])
                industry, _weight, patterns = self.weighted([(i, i[1]) for i in INDUSTRIES])
                owner = (
                    self.marketer
                    if status == LeadStatus.NEW and rng.random() < 0.4
                    else rng.choice(self.reps_by_city[city])
                )
                lead = Lead(
                    first_name=first,
                    last_name=last,
                    title=self.weighted(TITLES),
                    company_name=rng.choice(patterns)[0].format(b=rng.choice(BRANDS)[0]),
                    industry=industry,
                    phone=self.mobile(),
                    email=self.personal_email(first_en, last_en),
                    city=city,
                    region=CITY_INFO[city][0],
                    source=self.weighted(SOURCES),
                    owner=owner,
                    team_id=owner.team_id,
                    updated_at=self.between(created, self.now),
                )
            lead.status = status
            lead.created_at = created
            lead.description = rng.choice(LEAD_NOTES[lead.source])
            _refresh_search_text(lead)
            if lead.source == Channel.EXHIBITION:
                self.tag_names[(Lead, id(lead))] = ["نمایشگاه"]
            elif lead.source == Channel.REFERRAL and rng.random() < 0.5:
                self.tag_names[(Lead, id(lead))] = ["معرفی‌شده"]
            self.leads.append(lead)
        Lead.objects.bulk_create(self.leads, batch_size=BATCH)
        for lead in self.leads:
            self.audit(lead, lead.created_at)

    def save_deals(self, deals: list[Deal]) -> None:
        Deal.objects.bulk_create(deals, batch_size=BATCH)
        history = []
        for deal in deals:
            previous: tuple[Stage, dt.datetime] | None = None
            for stage, at in self.moves[id(deal)]:
                history.append(
                    StageHistory(
                        deal=deal,
                        from_stage=previous[0] if previous else None,
                        to_stage=stage,
                        moved_at=at,
                        moved_by_id=deal.owner_id,
                        seconds_in_previous=int((at - previous[1]).total_seconds()) if previous else None,
                    )
                )
                previous = (stage, at)
            self.audit(deal, deal.created_at)
        StageHistory.objects.bulk_create(history, batch_size=BATCH)
        self.history_count = len(history)

    def activity(
        self,
        *,
        kind: str,
        owner: User,
        due: dt.datetime,
        deal: Deal | None = None,
        contact: Contact | None = None,
        lead: Lead | None = None,
        earliest: dt.datetime,
        done: bool,
    ) -> Activity:
        rng = self.rng
        who = (
            contact.full_name if contact else (f"{lead.first_name} {lead.last_name}".strip() if lead else "")
        )
        if deal is not None and rng.random() < 0.3:
            who = deal.company.name
        done_at = min(due + dt.timedelta(minutes=rng.uniform(0, 120)), self.now) if done else None
        if kind in (ActivityKind.NOTE, ActivityKind.EMAIL):
            created = due
        else:
            created = max(earliest, min(due, self.now) - dt.timedelta(seconds=rng.uniform(0, 5 * DAY)))
        duration, outcome, notes = None, "", ""
        if kind == ActivityKind.CALL and done:
            duration, outcome = rng.randint(1, 30), rng.choice(CALL_OUTCOMES)
        elif kind == ActivityKind.MEETING:
            duration = rng.choice([30, 45, 60, 60, 90, 120])
            if done:
                outcome, notes = rng.choice(MEETING_OUTCOMES), rng.choice(NOTES)
        elif kind == ActivityKind.NOTE:
            notes = " ".join(rng.sample(NOTES, 2))
        item = Activity(
            kind=kind,
            subject=rng.choice(SUBJECTS[kind]).format(who=who),
            notes=notes,
            due_at=due,
            done_at=done_at,
            duration_minutes=duration,
            outcome=outcome,
            owner=owner,
            team_id=owner.team_id,
            created_at=created,
            updated_at=done_at or created,
        )
        subject = deal or lead or contact
        if subject is not None:
            item.set_record(subject)
            self.activity_links[id(item)] = concerned(subject)
        _refresh_search_text(item)
        return item

    def make_activities(self) -> None:
        rng = self.rng
        self.activities: list[Activity] = []
        self.activity_links: dict[int, list] = {}
        total = self.sizes.activities
        users = self.sales_users
        by_team: dict[int, list[Contact]] = {}
        for contact in self.contacts:
            by_team.setdefault(contact.team_id, []).append(contact)
        open_deals = [d for d in self.deals if d.status == DealStatus.OPEN]
        end_of_today = timezone.localtime(self.now).replace(hour=23, minute=59, second=0, microsecond=0)
        # "My tasks today" is not empty for anyone in sales: some due later today, a few overdue.
        for user in users.values():
            if len(self.activities) >= total:
                break
            if user.is_manager:
                deals = [d for d in open_deals if d.team_id == user.team_id]
                contacts = by_team.get(user.team_id, [])
            else:
                deals = [d for d in open_deals if d.owner_id == user.pk]
                contacts = [c for c in by_team.get(user.team_id, []) if c.owner_id == user.pk]
            if not deals and not contacts:
                continue
            for n in range(rng.randint(5, 8)):
                deal = rng.choice(deals) if deals else None
                contact = deal.contact if deal else rng.choice(contacts)
                earliest = deal.created_at if deal else contact.created_at
                if n < 4:
                    soon = min(self.now + dt.timedelta(minutes=5), end_of_today)
                    due = self.office_hours(self.between(soon, end_of_today), soon, end_of_today)
                else:
                    due = self.now - dt.timedelta(seconds=rng.uniform(2 * HOUR, 10 * DAY))
                    due = self.office_hours(due, earliest, self.now)
                kind = rng.choice(
                    [ActivityKind.CALL, ActivityKind.TASK, ActivityKind.MEETING, ActivityKind.CALL]
                )
                self.activities.append(
                    self.activity(
                        kind=kind,
                        owner=user,
                        due=due,
                        deal=deal,
                        contact=contact,
                        earliest=earliest,
                        done=False,
                    )
                )
                if len(self.activities) >= total:
                    break
        working_leads = [
            le
            for le in self.leads
            if le.status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED) and le.owner_id in users
        ]
        two_weeks = self.now + dt.timedelta(days=14)
        while len(self.activities) < total:
            kind = self.weighted(ACTIVITY_KINDS)
            roll = rng.random()
            deal = lead = contact = None
            if roll < 0.6 and self.deals:
                deal = rng.choice(self.deals)
                contact, owner, earliest = deal.contact, users[deal.owner_id], deal.created_at
                latest = deal.closed_at + dt.timedelta(days=7) if deal.closed_at else two_weeks
                if kind == ActivityKind.MEETING and rng.random() < 0.1:
                    owner = self.manager_of[owner.team_id]
            elif roll < 0.65 and working_leads:
                lead = rng.choice(working_leads)
                owner, earliest, latest = users[lead.owner_id], lead.created_at, two_weeks
            elif self.contacts:
                contact = rng.choice(self.contacts)
                owner, earliest, latest = users[contact.owner_id], contact.created_at, two_weeks
            else:
                break
            earliest = max(earliest, self.days_ago(365))
            if kind in (ActivityKind.NOTE, ActivityKind.EMAIL):
                latest = self.now  # written or sent: always in the past
            due = self.office_hours(self.between(earliest, min(latest, two_weeks)), earliest, latest)
            if due > self.now:
                done = False
            elif self.now - due > dt.timedelta(days=21) or kind in (ActivityKind.NOTE, ActivityKind.EMAIL):
                done = True
            else:
                done = rng.random() < 0.9
            self.activities.append(
                self.activity(
                    kind=kind,
                    owner=owner,
                    due=due,
                    deal=deal,
                    contact=contact,
                    lead=lead,
                    earliest=earliest,
                    done=done,
                )
            )
        Activity.objects.bulk_create(self.activities, batch_size=BATCH)
        ActivityLink.objects.bulk_create(
            (
                ActivityLink(activity=item, record_type=record_type, record_id=record_id)
                for item in self.activities
                for record_type, record_id in map(ref_of, self.activity_links.get(id(item), ()))
            ),
            batch_size=BATCH,
        )
        for item in self.activities:
            self.audit(item, item.created_at)

    def save_tags(self) -> None:
        for model, records in (
            (Company, self.companies),
            (Contact, self.contacts),
            (Lead, self.leads),
            (Deal, self.deals),
        ):
            through = model.tags.through
            column = model._meta.model_name + "_id"
            rows = [
                through(**{column: obj.pk, "tag_id": self.tags[name].pk})
                for obj in records
                for name in self.tag_names.get((model, id(obj)), ())
            ]
            through.objects.bulk_create(rows, batch_size=BATCH)


def _lead_intake_setup(demo: "_Demo") -> str:
    """A scoring model every lead is scored by, and a web form, so the demo shows them at work.

    Returns the web form's public key.
    """
    from peyvand.leads import scoring
    from peyvand.leads.models import ScoringModel, ScoringRule, WebForm

    model = ScoringModel.objects.create(
        name="امتیازدهی سرنخ‌ها", pipeline=None, threshold=40, warm_from=30, hot_from=60, active=True
    )
    rules = [
        ("معرفی‌شده", "source", "equals", Channel.REFERRAL, 25),
        ("از وب‌سایت", "source", "equals", Channel.WEBSITE, 10),
        ("نمایشگاه", "source", "equals", Channel.EXHIBITION, 15),
        ("تصمیم‌گیرنده", "title", "contains", "مدیر", 15),
        ("صنعت هدف", "industry", "in", "نرم‌افزار,تجهیزات پزشکی,پخش مواد غذایی", 15),
        ("شهر بزرگ", "city", "in", "تهران,اصفهان,مشهد", 10),
        ("شرکت مشخص", "company_name", "set", "", 10),
    ]
    for order, (label, field_name, condition, value, points) in enumerate(rules):
        ScoringRule.objects.create(
            model=model,
            label=label,
            field=field_name,
            condition=condition,
            value=value,
            points=points,
            order=order,
        )
    scoring.rescore(Lead.objects.all())
    pipeline = next((entry[0] for entry in demo.pipelines if entry[0].is_default), None)
    form = WebForm.objects.create(
        name="درخواست دمو",
        fields=["first_name", "last_name", "phone", "email", "company_name", "city"],
        required_fields=["last_name", "phone"],
        source=Channel.WEBSITE,
        pipeline=pipeline,
        open_deal=True,
        use_assignment_rules=False,
        default_owner=demo.reps[0] if demo.reps else None,
        thank_you="درخواست شما رسید؛ به‌زودی با شما تماس می‌گیریم.",
    )
    return form.key


def _sales_process_setup(demo: "_Demo") -> None:
    """Stage scripts, checklists and limits, reminders on upcoming activities, this year's targets, two
    automation rules and the official holidays of this Jalali year and the next (for plan pacing)."""
    users = list(User.objects.filter(is_active=True))
    load_stage_rules(seed=demo.seed)
    load_reminders(users, now=demo.now, seed=demo.seed + 1)
    load_targets(users, list(Team.objects.all()), seed=demo.seed + 2)
    load_rules(users)
    this_year = jdatetime.date.fromgregorian(date=timezone.localdate(demo.now)).year
    for year in (this_year, this_year + 1):
        add_fixed_holidays(year)


def build_demo(
    *, seed: int = 1404, sizes: DemoSizes | None = None, now: dt.datetime | None = None
) -> DemoResult:
    """Create the demo business in one transaction and say what was made and who can sign in."""
    demo = _Demo(seed=seed, sizes=sizes or DemoSizes(), now=now or timezone.now())
    with transaction.atomic():
        with explicit_timestamps(Company, Contact, Lead, Deal, Activity, AuditEntry):
            result = demo.run()
            # Rows were written in bulk, past the services: give them their duplicate lookup keys.
            for entity in mergeable_types():
                index_all(entity)
            result.web_form_key = _lead_intake_setup(demo)
            _sales_process_setup(demo)
        # Billing goes through its services, which stamp their own times (and audit rows) as they write.
        result.billing = asdict(
            load_billing(
                deals=demo.deals, admin=demo.admin, managers=demo.manager_of, now=demo.now, seed=seed + 3
            )
        )
        # The service desk through its services too: SLA timers, routing and audit as a real desk's.
        service, support_manager = load_service(
            admin=demo.admin,
            contacts=demo.contacts,
            hashed_password=make_password(DEMO_PASSWORD),
            seed=seed + 4,
        )
        result.service = asdict(service)
        result.support = support_manager.username
        # Message templates a rep starts from on a record (audited by their service).
        load_message_templates(User.objects.filter(is_active=True))
    result.counts["stage_moves"] = demo.history_count
    return result
