"""Realistic contact rows for imports and duplicate scans, the same for the same seed.

Each row is a pure function of (seed, row index), so a million rows stream in constant memory and a planted
duplicate can rebuild the earlier row it copies. Of every 1,000 rows about 50 are planted duplicates of an
earlier original, written in a variant form (Arabic ي/ك, ZWNJ as a space, another phone format, an upper-case
e-mail, a typo in a name), and about 10 are bad (invalid phone, empty last name or malformed e-mail).
Originals never share a phone or an e-mail, so every pair of rows that does is a planted duplicate.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

COLUMNS = ("first_name", "last_name", "phone", "email", "company", "city", "title")
FIRST_ROW = 2  # rows are numbered as in a spreadsheet: the header is row 1

ZWNJ = "\u200c"

# (Persian, Latin) so an e-mail address can be made from a Persian name.
PERSIAN_FIRST = [
    ("علی", "ali"),
    ("محمد", "mohammad"),
    ("حسین", "hossein"),
    ("رضا", "reza"),
    ("مهدی", "mahdi"),
    ("امیر", "amir"),
    ("حمید", "hamid"),
    ("سعید", "saeed"),
    ("مجید", "majid"),
    ("کامران", "kamran"),
    ("کوروش", "kourosh"),
    ("یوسف", "yousef"),
    ("یاسر", "yaser"),
    ("بیژن", "bijan"),
    ("داریوش", "dariush"),
    ("فرهاد", "farhad"),
    ("کیوان", "keyvan"),
    ("نیما", "nima"),
    ("پویا", "pouya"),
    ("بهرام", "bahram"),
    ("مرتضی", "morteza"),
    ("مصطفی", "mostafa"),
    ("یحیی", "yahya"),
    ("کاوه", "kaveh"),
    ("آرش", "arash"),
    ("سیاوش", "siavash"),
    ("شهرام", "shahram"),
    ("پیمان", "peyman"),
    ("وحید", "vahid"),
    ("ایمان", "iman"),
    ("مریم", "maryam"),
    ("زهرا", "zahra"),
    ("فاطمه", "fatemeh"),
    ("سارا", "sara"),
    ("نیلوفر", "niloufar"),
    ("یاسمن", "yasaman"),
    ("کیمیا", "kimia"),
    ("مینا", "mina"),
    ("لیلا", "leila"),
    ("نگار", "negar"),
    ("شیرین", "shirin"),
    ("پریسا", "parisa"),
    ("الهام", "elham"),
    ("سمیرا", "samira"),
    ("کتایون", "katayoun"),
    ("یلدا", "yalda"),
    ("ریحانه", "reyhaneh"),
    ("نرگس", "narges"),
    ("مهسا", "mahsa"),
    ("آیدا", "aida"),
    ("هانیه", "haniyeh"),
    ("کبری", "kobra"),
    ("فریبا", "fariba"),
    ("شیوا", "shiva"),
    ("ترانه", "taraneh"),
    ("محمد" + ZWNJ + "رضا", "mohammadreza"),
    ("امیر" + ZWNJ + "حسین", "amirhossein"),
    ("علی" + ZWNJ + "اکبر", "aliakbar"),
    ("فاطمه" + ZWNJ + "زهرا", "fatemehzahra"),
    ("سید" + ZWNJ + "مهدی", "seyedmahdi"),
]
PERSIAN_LAST = [
    ("احمدی", "ahmadi"),
    ("محمدی", "mohammadi"),
    ("حسینی", "hosseini"),
    ("رضایی", "rezaei"),
    ("کریمی", "karimi"),
    ("کاظمی", "kazemi"),
    ("یزدانی", "yazdani"),
    ("موسوی", "mousavi"),
    ("جعفری", "jafari"),
    ("قاسمی", "ghasemi"),
    ("صادقی", "sadeghi"),
    ("کرمانی", "kermani"),
    ("یوسفی", "yousefi"),
    ("نوری", "nouri"),
    ("رحیمی", "rahimi"),
    ("کیانی", "kiani"),
    ("شریفی", "sharifi"),
    ("باقری", "bagheri"),
    ("مرادی", "moradi"),
    ("اکبری", "akbari"),
    ("نیکخواه", "nikkhah"),
    ("فرهادی", "farhadi"),
    ("کامرانی", "kamrani"),
    ("سلیمانی", "soleimani"),
    ("کوهستانی", "kouhestani"),
    ("یگانه", "yeganeh"),
    ("زمانی", "zamani"),
    ("طاهری", "taheri"),
    ("ملکی", "maleki"),
    ("عسگری", "asgari"),
    ("بهرامی", "bahrami"),
    ("تهرانی", "tehrani"),
    ("شیرازی", "shirazi"),
    ("اصفهانی", "esfahani"),
    ("کاشانی", "kashani"),
    ("رستمی", "rostami"),
    ("عباسی", "abbasi"),
    ("امینی", "amini"),
    ("فتحی", "fathi"),
    ("کیخسروی", "keykhosravi"),
    ("میرزایی", "mirzaei"),
    ("نظری", "nazari"),
    ("پاکزاد", "pakzad"),
    ("حسین" + ZWNJ + "زاده", "hosseinzadeh"),
    ("علی" + ZWNJ + "پور", "alipour"),
    ("قلی" + ZWNJ + "زاده", "gholizadeh"),
    ("رضایی" + ZWNJ + "نژاد", "rezaeinejad"),
    ("کاظمی" + ZWNJ + "فر", "kazemifar"),
    ("نیک" + ZWNJ + "نام", "niknam"),
    ("شاه" + ZWNJ + "حسینی", "shahhosseini"),
    ("میر" + ZWNJ + "کریمی", "mirkarimi"),
    ("خسرو" + ZWNJ + "شاهی", "khosroshahi"),
    ("کریم" + ZWNJ + "خانی", "karimkhani"),
    ("یزدان" + ZWNJ + "پناه", "yazdanpanah"),
    ("ولی" + ZWNJ + "زاده", "valizadeh"),
    ("تقی" + ZWNJ + "پور", "taghipour"),
    ("جهان" + ZWNJ + "بخش", "jahanbakhsh"),
    ("بنی" + ZWNJ + "هاشمی", "banihashemi"),
    ("دل" + ZWNJ + "آرا", "delara"),
    ("کی" + ZWNJ + "منش", "keymanesh"),
]
ENGLISH_FIRST = [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Paul",
    "Steven",
    "Andrew",
    "Kenneth",
    "Emily",
    "Laura",
    "Anna",
    "Sophie",
    "Lucas",
    "Oliver",
    "Emma",
    "Hannah",
    "Peter",
    "George",
    "Helen",
    "Nina",
]
ENGLISH_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
]
CITIES_FA = [
    "تهران",
    "کرج",
    "اصفهان",
    "شیراز",
    "مشهد",
    "تبریز",
    "قم",
    "کرمان",
    "یزد",
    "رشت",
    "کیش",
    "کاشان",
    "اهواز",
    "همدان",
    "اراک",
    "ساری",
    "بندرعباس",
    "قزوین",
    "زنجان",
    "کرمانشاه",
]
CITIES_EN = [
    "Tehran",
    "Karaj",
    "Isfahan",
    "Shiraz",
    "Mashhad",
    "Tabriz",
    "Dubai",
    "Istanbul",
    "London",
    "Berlin",
]
COMPANY_ROOTS = [
    "پارس",
    "آریا",
    "کیان",
    "سپهر",
    "نیک",
    "البرز",
    "کاوه",
    "یکتا",
    "ایده",
    "پیشرو",
    "آینده",
    "کوثر",
    "ستاره",
    "دانش",
    "مهر",
    "پایا",
    "فن",
    "رایان",
    "کیمیا",
    "سینا",
    "نوین",
    "آسیا",
    "ساحل",
    "تک",
]
COMPANY_FORMS = [
    "{} تجارت",
    "گروه صنعتی {}",
    "{} سیستم",
    "{} الکترونیک",
    "فولاد {}",
    "بازرگانی {}",
    "{} پخش",
    "{} افزار",
    "کارخانه {}",
    "{} دارو",
    "شرکت {}",
    "{} ساختمان",
]
COMPANIES_EN = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
    "Gringotts",
    "Oscorp",
    "Massive",
    "Monarch",
]
TITLES_FA = [
    "مدیرعامل",
    "مدیر فروش",
    "کارشناس خرید",
    "مدیر مالی",
    "کارشناس فنی",
    "مدیر بازرگانی",
    "مدیر تولید",
    "کارشناس فروش",
    "مدیر فناوری",
    "حسابدار",
    "مدیر منابع انسانی",
    "",
]
TITLES_EN = [
    "CEO",
    "Sales Manager",
    "Purchasing Officer",
    "CFO",
    "CTO",
    "Engineer",
    "Buyer",
    "Consultant",
    "",
]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "chmail.ir", "mail.ir", "company.ir", "example.com"]
MOBILE_PREFIXES = [
    "912",
    "913",
    "914",
    "915",
    "917",
    "919",
    "921",
    "922",
    "935",
    "936",
    "937",
    "938",
    "939",
    "901",
    "902",
    "903",
    "990",
    "991",
]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})

# Per mille: rows below DUPLICATE_PER_MILLE are duplicates, the next BAD_PER_MILLE are bad, the rest originals.
DUPLICATE_PER_MILLE = 50
BAD_PER_MILLE = 10
_MIX = 0x9E3779B97F4A7C15


@dataclass(frozen=True)
class Truth:
    kind: str  # "original", "duplicate" or "bad"
    duplicate_of: int | None = None  # spreadsheet row number of the original this row copies
    bad_column: str = ""  # for a bad row: the column that is wrong


def _row_rng(seed: int, index: int) -> random.Random:
    return random.Random((seed * _MIX + index) & 0xFFFFFFFFFFFFFFFF)


def _kind(seed: int, index: int) -> str:
    if index == 0:
        return "original"
    draw = ((seed * 1_000_003 + index) * _MIX >> 20) % 1000
    if draw < DUPLICATE_PER_MILLE:
        return "duplicate"
    if draw < DUPLICATE_PER_MILLE + BAD_PER_MILLE:
        return "bad"
    return "original"


def _mobile(index: int, rng: random.Random) -> str:
    """Ten national digits, unique for every row index below ten million (odd multiplier, coprime with 10^7)."""
    return rng.choice(MOBILE_PREFIXES) + f"{(index * 2_654_435_761 + 1_234_567) % 10_000_000:07d}"


def format_phone(national: str, style: int) -> str:
    """The same mobile (10 digits, 9xx...) written the ways people write it."""
    a, b, c = national[:3], national[3:6], national[6:]
    forms = (
        f"0{national}",
        f"0{a} {b} {c}",
        f"0{a}-{b}-{c}",
        f"+98{national}",
        f"+98 {a} {b} {c}",
        f"0098{national}",
        f"{national}",
        f"{a} {b} {c}",
        f"0{national}".translate(PERSIAN_DIGITS),
        f"+98 {a} {b} {c}".translate(PERSIAN_DIGITS),
    )
    return forms[style % len(forms)]


PHONE_STYLES = 10


def _original(seed: int, index: int) -> dict:
    """The canonical person of row `index` (before any variant form), and how that row writes its phone."""
    rng = _row_rng(seed, index)
    persian = rng.random() < 0.8
    if persian:
        first, first_latin = rng.choice(PERSIAN_FIRST)
        last, last_latin = rng.choice(PERSIAN_LAST)
        city = rng.choice(CITIES_FA)
        company = rng.choice(COMPANY_FORMS).format(rng.choice(COMPANY_ROOTS)) if rng.random() < 0.85 else ""
        title = rng.choice(TITLES_FA)
    else:
        first = first_latin = rng.choice(ENGLISH_FIRST)
        last = last_latin = rng.choice(ENGLISH_LAST)
        first_latin, last_latin = first_latin.lower(), last_latin.lower()
        city = rng.choice(CITIES_EN)
        company = (
            f"{rng.choice(COMPANIES_EN)} {rng.choice(['Inc.', 'Ltd', 'GmbH', 'Co.'])}"
            if rng.random() < 0.85
            else ""
        )
        title = rng.choice(TITLES_EN)
    has_phone = rng.random() < 0.95
    has_email = rng.random() < 0.8 or not has_phone
    handle = rng.choice(
        (f"{first_latin}.{last_latin}", f"{first_latin[0]}{last_latin}", f"{first_latin}_{last_latin}")
    )
    return {
        "first_name": first,
        "last_name": last,
        "national": _mobile(index, rng) if has_phone else "",
        "phone_style": rng.randrange(PHONE_STYLES),
        "email": f"{handle}{index}@{rng.choice(DOMAINS)}" if has_email else "",
        "company": company,
        "city": city,
        "title": title,
        "persian": persian,
    }


def _as_row(person: dict) -> dict:
    return {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "phone": format_phone(person["national"], person["phone_style"]) if person["national"] else "",
        "email": person["email"],
        "company": person["company"],
        "city": person["city"],
        "title": person["title"],
    }


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name + name[-1]  # a doubled last letter
    i = rng.choice(letters[1:-1])
    choice = rng.random()
    if choice < 0.4:  # one letter dropped
        return name[:i] + name[i + 1 :]
    if choice < 0.7 and name[i + 1 : i + 2].isalpha():  # two neighbours swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i] + name[i:]  # one letter doubled


def _variant(person: dict, rng: random.Random) -> dict:
    """The same person written differently: always a different phone format, plus one or two other changes."""
    row = _as_row(person)
    style = (person["phone_style"] + rng.randrange(1, PHONE_STYLES)) % PHONE_STYLES
    row["phone"] = format_phone(person["national"], style) if person["national"] else ""
    changes = rng.sample(("letters", "zwnj", "email_case", "typo", "drop_one"), k=rng.choice((1, 2, 2, 3)))
    for change in changes:
        if change == "letters":
            for key in ("first_name", "last_name", "company", "city"):
                row[key] = row[key].translate(ARABIC_LETTERS)
        elif change == "zwnj":
            for key in ("first_name", "last_name"):
                row[key] = row[key].replace(ZWNJ, rng.choice((" ", "")))
        elif change == "email_case" and row["email"]:
            row["email"] = rng.choice(
                (row["email"].upper(), row["email"].title(), f" {row['email'].upper()} ")
            )
        elif change == "typo":
            key = rng.choice(("first_name", "last_name"))
            row[key] = _typo(row[key], rng)
        elif change == "drop_one" and row["phone"] and row["email"]:
            # A second entry often lacks one contact point; it still shares the other.
            row[rng.choice(("phone", "email"))] = ""
    return row


def _bad(person: dict, rng: random.Random) -> tuple[dict, str]:
    row = _as_row(person)
    column = rng.choice(("phone", "last_name", "email"))
    if column == "phone":
        row["phone"] = rng.choice(("0912123", "12345", "۰۹۱۲۳۴", "+98 21", "0912345678901234"))
    elif column == "last_name":
        row["last_name"] = ""
    else:
        handle = (person["email"] or "someone@example.com").split("@")[0]
        row["email"] = rng.choice((f"{handle}.gmail.com", f"{handle}@@mail.ir", f"{handle}@", "@example.com"))
    return row, column


def row_at(seed: int, index: int) -> tuple[dict, Truth]:
    """The row at 0-based data index `index` (spreadsheet row index + 2) and the truth about it."""
    kind = _kind(seed, index)
    if kind == "original":
        return _as_row(_original(seed, index)), Truth("original")
    rng = _row_rng(seed ^ 0x5EED, index)
    if kind == "bad":
        row, column = _bad(_original(seed, index), rng)
        return row, Truth("bad", bad_column=column)
    target = rng.randrange(index)
    while _kind(seed, target) != "original":
        target -= 1  # row 0 is always an original
    return _variant(_original(seed, target), rng), Truth("duplicate", duplicate_of=target + FIRST_ROW)


def generate(n: int, seed: int = 1) -> Iterator[tuple[dict, Truth]]:
    """Yield n (row, truth) pairs; the same n and seed always give the same rows."""
    if n > 10_000_000:
        raise ValueError("phones are unique only below ten million rows")
    for index in range(n):
        yield row_at(seed, index)


def duplicate_pairs(truths) -> set[tuple[int, int]]:
    """Every pair of spreadsheet rows (lower first) that stands for the same person, given truths in row order."""
    groups: dict[int, list[int]] = {}
    for index, truth in enumerate(truths):
        if truth.kind == "duplicate":
            groups.setdefault(truth.duplicate_of, [truth.duplicate_of]).append(index + FIRST_ROW)
    pairs = set()
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((min(a, b), max(a, b)))
    return pairs
