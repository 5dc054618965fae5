"""A crawl of the whole interface, for each demo role in Persian and in English, on a 390 px phone.

Signed out, it checks the sign-in page and the public lead form. Signed in, starting from the home page, it
follows what a person can reach: the header's navigation (the phone menu), the user menu, its search box,
every card of a hub (the settings, the reports), and on every page reached that way the actions of its heading ("New …", "Edit")
and the first record of its table. Nothing is listed by hand, so a page someone adds to the navigation or to
a hub is covered the day it appears.

Every page is checked for what a person would notice: a server error, a console or script error, a page wider
than the phone (``scrollWidth > clientWidth``), and the other language leaking in: a Latin word of three or
more letters (or a figure in Latin digits) on a Persian page, Arabic script on an English page. Names and other data typed by people may be
in either language, so every text value stored in the database (the demo business the test seeds) is taken
out of the text before it is judged; so are e-mail addresses, web addresses and elements that declare their
own language (``lang="…"``) or show code. Data of the other script must also be isolated from the sentence
around it (``<bdi>``, ``dir="auto"`` or the ``isolate`` filter), or its direction scrambles the brackets and
figures beside it. All the problems of all the pages are reported together, page by page.
"""

import io
import os
import re
import zoneinfo
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import translation

from e2e.conftest import new_page, sign_in_as
from peyvand.contacts.models import Company
from peyvand.demo.business import ADMIN, DEMO_PASSWORD, TEAMS
from peyvand.leads.models import WebForm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
# The demo's users by role; None is someone signed out.
ROLES = {"admin": ADMIN[0], "manager": TEAMS[0][3][0], "rep": TEAMS[0][4][0][0], "signed-out": None}
LANGUAGES = ("fa", "en")
# How far from the navigation the crawl goes: a list (1), its first record or its "new" form (2), the record's
# edit form (3). A hub's cards count as the hub's own level, so a settings page is a list like any other.
DEPTH = 3

# Links that are not pages of the interface: file downloads, the operators' console (Django's own admin,
# translated by Django), the API and its documentation, and the public pages for people outside the company.
NOT_PAGES = re.compile(
    r"^/(admin|api|static|media|f)/|/export/|[?&]format=|\.(ics|csv|xlsx|pdf)(\?|$)|/download/"
)

# Words that stay in Latin letters in Persian text because that is how Persian speakers write them: names of
# file formats, encodings, protocols and well-known measures, and keys as printed on the keyboard.
LATIN_TERMS = frozenset(
    {"CSV", "XLSX", "PDF", "API", "SMS", "SMTP", "IMAP", "TOTP", "URL", "HTML", "JSON", "UTF", "NPS", "Ctrl"}
    | {"SLA"}  # the service desk's short label (the glossary: «SLA» in short labels)
    | {"PNG", "JPEG", "GIF", "WebP"}  # image formats (the billing settings' logo)
)
# Names of products a page mentions (the calendar apps that read the feed, the authenticator apps, the browser
# and system of a signed-in session, the framework of the operators' console): names are not translated.
PRODUCT_NAMES = (
    "Google Calendar", "Apple Calendar", "Outlook", "Thunderbird",
    "Google Authenticator", "Microsoft Authenticator", "FreeOTP", "Aegis",
    "Chrome", "Chromium", "Firefox", "Safari", "Edge", "Linux", "Windows", "Android", "macOS", "iOS",
    "Django",
)  # fmt: skip
# Time zones are offered by their IANA names (Asia/Tehran), which are identifiers, the same in every language.
TIME_ZONES = frozenset(zoneinfo.available_timezones())

# Known problems not fixed yet: (role or "*", language, path pattern, problem pattern, why). Each entry must
# still match something, so a fixed problem cannot hide in the list.
ALLOWED: list[tuple[str, str, str, str, str]] = []

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A Persian page writes figures in Persian digits; phone numbers (dialled as printed), network addresses and
# names of encodings keep Latin ones.
LATIN_DIGIT = re.compile("[0-9]")
NOT_A_FIGURE = re.compile(r"UTF-8|\b\d{1,3}(\.\d{1,3}){3}\b|\+?\d[\d ()-]{6,}\d")
CODE = re.compile(r"[a-z0-9_.:+-]+")  # an identifier, not words: "won", "deal.stage", "+1d"
AROUND = re.compile(r"[^\W_]")  # a letter or a digit of any script
ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
WEB_ADDRESS = re.compile(
    r"(https?://|www\.)\S+|(?<!\S)/[\w./?=&%-]+|\b[\w-]+(\.[\w-]+)*\.(com|ir|org|net|io|local)\b\S*"
)

# Runs in the page: every piece of text a person can read or hear (text nodes, placeholders, tooltips, labels
# for screen readers, button captions, confirmation questions), minus what declares another language or is
# code. Text in a closed menu or a hidden dialog is included: it shows as soon as it is opened.
READ_TEXT = """(lang) => {
  const skip = 'script, style, noscript, template, code, pre, kbd, samp, textarea';
  const foreign = (el) => {
    const owner = el.closest('[lang]');
    return owner && owner.lang.slice(0, 2) !== lang;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.nodeValue.trim();
    if (!text || !el || el.closest(skip) || foreign(el)) continue;
    out.push([text, true]);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(skip) || foreign(el)) continue;
    for (const attr of el.attributes) {
      const n = attr.name;
      if (n === 'placeholder' || n === 'title' || n === 'aria-label' || n.startsWith('data-confirm')
          || (n === 'value' && el.matches('input[type=submit], input[type=button], input[type=reset]'))) {
        if (attr.value.trim()) out.push([attr.value.trim(), false]);
      }
    }
  }
  if (!foreign(document.documentElement)) out.push([document.title, false]);
  return out;
}"""

# Runs in the page: the links to follow from it. The home page gives the navigation (the phone menu and the
# user menu); every page gives the actions in its heading and the first record of its main table (or list);
# a hub (a list of cards, each a link: the settings, the reports) gives every card, at its own depth.
READ_LINKS = """(withNav) => {
  const links = [], hub = [];
  const add = (list) => (a) => {
    if (a && a.getAttribute('href') && !a.hasAttribute('download')) list.push(a.href);
  };
  if (withNav) document.querySelectorAll('#mainnav a, .usermenu a').forEach(add(links));
  document.querySelectorAll('main .page-head a').forEach(add(links));
  const row = document.querySelector('main table tbody tr a[href]');
  add(links)(row || document.querySelector('main ul.plain li a[href]'));
  document.querySelectorAll('main li.card > a').forEach(add(hub));
  return [links, hub];
}"""

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def seed_demo() -> None:
    """A small demo business: every kind of record the navigation leads to, owned by the demo users."""
    with translation.override("en"):
        call_command(
            "demo",
            "--seed",
            "7",
            companies=6,
            contacts=12,
            leads=6,
            deals=12,
            activities=30,
            stdout=io.StringIO(),
        )


def stored_text() -> list[str]:
    """Every text value people typed or the demo generated (names, titles, notes, tags, ...), longest first, so
    that it can be taken out of a page's text before the labels are judged. Fields with fixed choices are not
    data: their labels are the interface's words and must be translated."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("peyvand.") and model._meta.app_label not in {"auth"}:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not f.choices
            and not isinstance(f, models.SlugField)
        ]
        if not fields:
            continue
        manager = getattr(model, "all_objects", model._default_manager)
        for row in manager.values_list(*fields):
            for value in row:
                if isinstance(value, str):
                    values.update(_strings(value))
                else:
                    # JSON (custom fields, an audit row's changes, a rule's settings) also holds codes: a
                    # choice's key ("won") shown anywhere must be its translated label, so codes are not data.
                    values.update(v for v in _strings(value) if not CODE.fullmatch(v))
    return sorted((v for v in values if len(v) >= 3), key=len, reverse=True)


def untranslated_names() -> tuple[str, ...]:
    """Names that stay as they are in both languages: products, and the record type the test settings add
    (tests/registry_app), which has no translation."""
    names = list(PRODUCT_NAMES)
    for model in apps.get_app_config("registry_app").get_models():
        for name in (str(model._meta.verbose_name_plural), str(model._meta.verbose_name)):
            names += [name, name[:1].upper() + name[1:]]
    return tuple(names)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value.strip(), *(line.strip() for line in value.splitlines())]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def leaks(texts: list[tuple[str, bool]], language: str, data: list[str], names: tuple[str, ...]) -> list[str]:
    """The words of the other language in ``texts`` (pairs of a text and whether it is a text node) that are not
    data or ``names``, and the data of the other script that shares a text node with words or figures around it
    without being isolated from them."""
    found = []
    pattern = LATIN_WORD if language == "fa" else ARABIC_SCRIPT
    for text, is_node in texts:
        suspect = pattern.search(text) or (language == "fa" and LATIN_DIGIT.search(text))
        if not suspect or text in TIME_ZONES or _part_of_data(text, data):
            continue
        plain = WEB_ADDRESS.sub(" ", EMAIL.sub(" ", text))
        for name in names:
            plain = plain.replace(name, " ")
        cleaned = plain
        for value in data:
            if value in cleaned:
                cleaned = cleaned.replace(value, " ")
        words = [w for w in pattern.findall(cleaned) if w not in LATIN_TERMS]
        if words:
            found.append(f"{' '.join(words)!s} in {text[:80]!r}")
        elif language == "fa" and is_node and LATIN_DIGIT.search(NOT_A_FIGURE.sub(" ", cleaned)):
            found.append(f"Latin digits in {text[:80]!r}")
        elif is_node and _not_isolated(plain, pattern, data):
            found.append(f"not isolated: {text[:80]!r}")
    return found


def _not_isolated(text: str, pattern: re.Pattern, data: list[str]) -> bool:
    """Whether a value of the other script shares the text with letters or figures, outside an isolate: the
    bidirectional algorithm then carries the brackets and numbers beside it into its direction. A value in
    <bdi> or dir="auto" is a text node of its own; one wrapped in U+2068…U+2069 (the ``isolate`` filter) is
    cut out here."""
    rest, inside = ISOLATED.sub(" ", text), False
    for value in data:
        if value in rest:
            rest = rest.replace(value, " ")
            inside = inside or bool(pattern.search(value))
    return inside and bool(AROUND.search(rest))


def _part_of_data(text: str, data: list[str]) -> bool:
    """Whether ``text`` is a piece of one stored value: a value shown with formatting (a sales script's bold
    words, a note's lines) arrives in several text nodes."""
    piece = text.strip(" .,:;،؛()«»\"'·-")
    return len(piece) >= 3 and any(piece in value for value in data)


def local(url: str, base: str) -> str | None:
    """The path and query of a link to a page of the interface on this server, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or NOT_PAGES.search(parts.path + "?" + parts.query):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(browser, live_server, username: str | None, language: str, data, names) -> dict[str, list[str]]:
    """Visit every page reachable from the navigation as ``username`` (or, signed out, the pages for people
    outside: the sign-in page and the demo's public lead form); return page -> problems for those with any."""
    page = new_page(browser, live_server)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(PHONE)
    problems: dict[str, list[str]] = defaultdict(list)
    current = {"path": "/login/"}
    page.on("console", lambda m: m.type == "error" and problems[current["path"]].append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems[current["path"]].append(f"script error: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 500 and problems[current["path"]].append(f"HTTP {r.status} from {r.url}"),
    )

    if username is None:
        # The public form is Persian unless its link asks for English.
        forms = WebForm.objects.values_list("key", flat=True)
        asked = "?lang=en" if language == "en" else ""
        queue = [("/login/", DEPTH), *((f"/f/{key}/{asked}", DEPTH) for key in forms)]
    else:
        sign_in_as(page, type("Demo", (), {"username": username}), DEMO_PASSWORD)
        queue = [("/", 0)]
        # The phone menu opens from its button and holds the navigation the crawl follows.
        page.goto("/")
        page.click("[data-menu-toggle]")
        assert page.locator("#mainnav").is_visible()
        # The header's search box leads to the results page: search for a company of the demo.
        company = Company.objects.order_by("pk").values_list("name", flat=True).first()
        queue.append((f"/search/?{urlencode({'q': company})}", DEPTH))
    seen = {path for path, _depth in queue}
    while queue:
        path, depth = queue.pop(0)
        current["path"] = path
        response = page.goto(path)
        if response is None or response.status >= 400:
            problems[path].append(f"HTTP {response.status if response else 'no response'}")
            continue
        if page.evaluate("document.documentElement.lang") != language:
            problems[path].append(f"the page is not in {language}")
        if not page.evaluate(FITS):
            width = page.evaluate("document.documentElement.scrollWidth")
            problems[path].append(f"wider than the phone: {width} px > {PHONE['width']} px")
        problems[path].extend(
            f"{'English' if language == 'fa' else 'Persian'}: {leak}"
            for leak in leaks(page.evaluate(READ_TEXT, language), language, data, names)
        )
        if depth >= DEPTH:
            continue
        links, hub = page.evaluate(READ_LINKS, depth == 0)
        for hrefs, step in ((links, 1), (hub, 0)):
            for href in hrefs:
                target = local(href, live_server.url)
                if target and target not in seen:
                    seen.add(target)
                    queue.append((target, depth + step))
    page.context.close()
    if os.environ.get("PEYVAND_CRAWL_LIST"):  # to see what the crawl reached: PEYVAND_CRAWL_LIST=1 pytest -s
        print(username, language, len(seen), *sorted(seen), sep="\n  ")
    assert len(seen) > (1 if username is None else 20), f"the crawl found only {sorted(seen)}"
    return {path: found for path, found in problems.items() if found}


def allowed(role: str, language: str, path: str, problem: str, used: set[int]) -> bool:
    for index, (who, lang, path_pattern, problem_pattern, _why) in enumerate(ALLOWED):
        if who in ("*", role) and lang in ("*", language):
            if re.search(path_pattern, path) and re.search(problem_pattern, problem):
                used.add(index)
                return True
    return False


def test_every_page_reached_from_the_navigation_is_whole_in_its_language_and_fits_a_phone(
    browser, live_server
):
    seed_demo()
    data, names = stored_text(), untranslated_names()
    report: list[str] = []
    used: set[int] = set()
    for role, username in ROLES.items():
        for language in LANGUAGES:
            for path, found in crawl(browser, live_server, username, language, data, names).items():
                left = [p for p in found if not allowed(role, language, path, p, used)]
                if left:
                    report.append(f"{role}/{language} {path}\n" + "\n".join(f"    {p}" for p in left))
    stale = [entry for index, entry in enumerate(ALLOWED) if index not in used]
    assert not stale, f"allowed problems that no longer occur (remove them): {stale}"
    assert not report, f"{len(report)} pages with problems:\n" + "\n".join(report)


@pytest.mark.parametrize(
    "language,text,problem",
    [
        ("fa", "فیلتر Owner", "Owner in"),  # a label left in English
        ("fa", "۰ معامله", None),
        ("fa", "0 معامله", "Latin digits"),
        ("fa", "David Miller", None),  # a name typed in Latin letters is data
        ("fa", "ویرایش David Miller", "not isolated"),
        ("fa", "ویرایش \u2068David Miller\u2069", None),
        ("fa", "تماس با sara@example.com یا 0912 201 1649", None),
        ("en", "Stage: مذاکره", "not isolated"),
        ("en", "Stage: \u2068مذاکره\u2069", None),
        ("en", "Deals ۱۲", "Persian: ۱۲"),  # Persian digits on an English page
        ("en", "Asia/Tehran", None),
    ],
)
def test_the_checks_tell_labels_from_data(language, text, problem):
    """The crawl's judgement on single texts, so a check that silently passes everything cannot hide."""
    found = [
        f"{'English' if language == 'fa' else 'Persian'}: {leak}"
        for leak in leaks([(text, True)], language, ["David Miller", "مذاکره"], PRODUCT_NAMES)
    ]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found
