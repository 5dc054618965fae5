"""The load test's simulated people: administrators, sales managers and sales reps of two teams, each signed in
twice, through the pages (a session and its CSRF token) and through the API (a bearer token).

They read (lists with search and filters, record pages, the dashboard, reports, API lists) and write (contacts,
leads, deals and activities created; contacts edited with their version, through the API and the edit form;
deals moved through the API and the board; activities completed). Every acknowledged write (a 2xx answer) is
logged with what was written, its record and the version it left, for ``bench.load.check`` to compare with the
database after the run. Run by ``bench.load.run``, which starts the server; the accounts come from
``bench.load.prepare`` (LOAD_ACCOUNTS), the log goes to LOAD_WRITES.
"""

import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8").read())
WRITES_LOG = os.environ["LOAD_WRITES"]
SEARCHES = ["علی", "رضا", "مریم", "پارس", "تهران", "سارا", "آریا", "0912"]
TIMEOUT = 60
SINGULAR = {"contacts": "contact", "deals": "deal", "activities": "activity", "leads": "lead"}
_log_lock = threading.Lock()
_log = open(WRITES_LOG, "a", encoding="utf-8")  # noqa: SIM115 (open for the whole run)
_counter = itertools.count(1)


def record_write(kind: str, resource: str, pk: int, version: int | None, fields: dict) -> None:
    line = {
        "kind": kind,
        "resource": resource,
        "id": pk,
        "version": version,
        "fields": fields,
        "at": time.time(),
    }
    with _log_lock:
        _log.write(json.dumps(line, ensure_ascii=False) + "\n")
        _log.flush()


_failures = open(os.environ.get("LOAD_FAILURES", os.devnull), "a", encoding="utf-8")  # noqa: SIM115


def _why(answer, what: str = "") -> str:
    """A failed answer's status and body, or, with no answer (status 0), the exception that stopped it."""
    if answer.status_code == 0:
        return f"0 {answer.error!r}"
    return f"{answer.status_code} {what or answer.text[:300]}"


@events.request.add_listener
def _log_failure(request_type, name, response_time, response_length, exception=None, **kwargs):
    """Each failed request with its time, so an error can be placed in the run (and in the server's log)."""
    if exception is not None:
        line = {
            "at": time.strftime("%H:%M:%S"),
            "kind": f"{request_type} {name}",
            "ms": round(response_time),
            "error": str(exception)[:500],
        }
        with _log_lock:
            _failures.write(json.dumps(line, ensure_ascii=False) + "\n")
            _failures.flush()


@events.quitting.add_listener
def _close_log(environment, **kwargs):
    _log.close()
    _failures.close()


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's main form (the one with the CSRF token)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_post_form = (a.get("method") or "").lower() == "post" and "logout" not in (
                a.get("action") or ""
            )
        if not self._in_post_form or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._options = a["name"], []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, s in self._options if s]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class CrmUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        accounts = [a for a in ACCOUNTS["accounts"] if a["role"] == self.role]
        self.account = accounts[next(_counter) % len(accounts)]
        self.api = {"Authorization": f"Bearer {self.account['token']}", "Accept-Language": "en"}
        self.mine = {
            "contacts": [],
            "deals": [],
            "activities": [],
        }  # [id, version] of records this user wrote
        self.seen = {"contacts": [], "deals": [], "activities": [], "leads": []}
        self.login()
        pipelines = self.api_get("/pipelines", "api list pipelines") or {"items": []}
        self.stages = [
            {"id": p["id"], "open_stages": [s["id"] for s in p["stages"] if s["kind"] == "open"]}
            for p in pipelines["items"]
        ]
        self.stages = [p for p in self.stages if len(p["open_stages"]) >= 2]
        companies = self.api_get("/companies", "api list companies") or {"items": []}
        self.companies = [c["id"] for c in companies["items"]]

    # --- helpers -------------------------------------------------------------------------------------------

    def login(self):
        page = self.client.get("/login/", name="page login form", timeout=TIMEOUT)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        with self.client.post(
            "/login/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            name="page login",
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in refused ({answer.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def api_get(self, path: str, name: str, **params):
        with self.client.get(
            f"/api/v1{path}", params=params, headers=self.api, name=name, catch_response=True, timeout=TIMEOUT
        ) as r:
            if r.status_code != 200:
                r.failure(_why(r))
                return None
            return r.json()

    def api_write(self, method: str, path: str, name: str, payload: dict, expect=(200, 201)):
        with self.client.request(
            method,
            f"/api/v1{path}",
            json=payload,
            headers=self.api,
            name=name,
            catch_response=True,
            timeout=TIMEOUT,
        ) as r:
            if r.status_code not in expect:
                r.failure(_why(r))
                return None
            return r.json()

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True, timeout=TIMEOUT) as r:
            if r.status_code != 200:
                r.failure(_why(r))
                return None
            return r.text

    def remember(self, resource: str, items) -> None:
        ids = [item["id"] for item in items or []]
        if ids:
            self.seen[resource] = ids[:50]

    # --- reads ---------------------------------------------------------------------------------------------

    @task(6)
    def api_lists(self):
        resource = random.choice(["contacts", "deals", "activities", "leads"])
        params = (
            {"q": random.choice(SEARCHES)}
            if resource in ("contacts", "leads") and random.random() < 0.6
            else {}
        )
        if resource == "deals" and random.random() < 0.5:
            params["status"] = "open"
        if resource == "activities" and random.random() < 0.5:
            params["open"] = "true"
        body = self.api_get(f"/{resource}", f"api list {resource}", **params)
        if body:
            self.remember(resource, body.get("items"))

    @task(3)
    def api_record(self):
        resource = random.choice(["contacts", "deals", "activities"])
        if self.seen[resource]:
            self.api_get(f"/{resource}/{random.choice(self.seen[resource])}", f"api get {SINGULAR[resource]}")

    @task(2)
    def api_report(self):
        self.api_get(f"/reports/{random.choice(['pipeline', 'outcomes', 'funnel'])}", "api report")

    @task(5)
    def page_lists(self):
        resource = random.choice(["contacts", "deals", "activities", "companies", "leads"])
        query = f"?q={random.choice(SEARCHES)}" if random.random() < 0.5 else ""
        self.page(f"/{resource}/{query}", f"page list {resource}")

    @task(3)
    def page_record(self):
        resource = random.choice(["contacts", "deals"])
        if self.seen[resource]:
            self.page(f"/{resource}/{random.choice(self.seen[resource])}/", f"page {resource[:-1]}")

    @task(2)
    def page_home(self):
        self.page("/", "page home")

    @task(2)
    def page_dashboard(self):
        self.page("/dashboard/", "page dashboard")

    @task(1)
    def page_report(self):
        self.page(f"/reports/{random.choice(['pipeline', 'outcomes', 'activity'])}/", "page report")

    @task(1)
    def page_board(self):
        self.page("/board/", "page board")

    # --- writes --------------------------------------------------------------------------------------------

    @task(3)
    def api_create_contact(self):
        n = next(_counter)
        fields = {"first_name": "بار", "last_name": f"آزمون {n}", "title": "کارشناس", "city": "تهران"}
        body = self.api_write("POST", "/contacts", "api create contact", fields, expect=(201,))
        if body:
            self.mine["contacts"].append([body["id"], body["version"]])
            record_write("create", "contact", body["id"], body["version"], fields)

    @task(3)
    def api_edit_contact(self):
        if not self.mine["contacts"]:
            return
        mine = random.choice(self.mine["contacts"])
        fields = {"title": f"عنوان {next(_counter)}"}
        body = self.api_write(
            "PATCH", f"/contacts/{mine[0]}", "api edit contact", {"version": mine[1], **fields}
        )
        if body:
            mine[1] = body["version"]
            record_write("update", "contact", mine[0], body["version"], fields)

    @task(2)
    def api_create_lead(self):
        fields = {"last_name": f"سرنخ {next(_counter)}", "company_name": "شرکت آزمون", "source": "website"}
        body = self.api_write("POST", "/leads", "api create lead", fields, expect=(201,))
        if body:
            record_write(
                "create",
                "lead",
                body["id"],
                body["version"],
                {k: fields[k] for k in ("last_name", "company_name")},
            )

    @task(2)
    def api_create_deal(self):
        if not self.stages or not self.companies or not self.mine["contacts"]:
            return
        pipeline = random.choice(self.stages)
        fields = {
            "title": f"معامله آزمون {next(_counter)}",
            "amount": f"{random.randint(1, 900) * 1_000_000}.00",
            "pipeline": pipeline["id"],
            "stage": pipeline["open_stages"][0],
            "contact": random.choice(self.mine["contacts"])[0],
            "company": random.choice(self.companies),
            "expected_close_date": "2031-06-30",
        }
        body = self.api_write("POST", "/deals", "api create deal", fields, expect=(201,))
        if body:
            self.mine["deals"].append([body["id"], body["version"], pipeline["id"], 0])
            record_write(
                "create",
                "deal",
                body["id"],
                body["version"],
                {"title": fields["title"], "amount": fields["amount"], "stage_id": fields["stage"]},
            )

    @task(2)
    def api_move_deal(self):
        planned = self._planned_move()
        if planned is None:
            return
        deal, stage = planned
        body = self.api_write(
            "POST", f"/deals/{deal[0]}/move", "api move deal", {"stage": stage, "version": deal[1]}
        )
        if body:
            deal[1], deal[3] = body["version"], deal[3] + 1
            record_write("move", "deal", deal[0], body["version"], {"stage_id": stage})

    @task(2)
    def api_create_activity(self):
        fields = {
            "subject": f"پیگیری {next(_counter)}",
            "kind": "call",
            "due_at": "2031-05-04T08:30:15.250001Z",
        }
        if self.mine["contacts"]:
            fields["contact"] = random.choice(self.mine["contacts"])[0]
        body = self.api_write("POST", "/activities", "api create activity", fields, expect=(201,))
        if body:
            self.mine["activities"].append([body["id"], body["version"]])
            record_write(
                "create",
                "activity",
                body["id"],
                body["version"],
                {"subject": fields["subject"], "done": False, "due_at": fields["due_at"]},
            )

    @task(2)
    def api_complete_activity(self):
        open_ones = [a for a in self.mine["activities"] if len(a) == 2]
        if not open_ones:
            return
        activity = random.choice(open_ones)
        body = self.api_write(
            "PATCH",
            f"/activities/{activity[0]}",
            "api complete activity",
            {"version": activity[1], "done": True, "outcome": "انجام شد"},
        )
        if body:
            activity[1] = body["version"]
            activity.append("done")
            record_write("update", "activity", activity[0], body["version"], {"done": True})

    @task(1)
    def api_check_import(self):
        """A small CSV checked by the import (a dry run), as ``POST /api/v1/imports`` does it today: a small
        share of the load, by administrators and managers."""
        if self.role == "sales_rep":
            return
        n = next(_counter)
        rows = "\n".join(f"وارد {n}-{i},0912{n % 1000:03d}{i:04d}" for i in range(30))
        name = f"import-{n}.csv"
        with self.client.post(
            "/api/v1/imports",
            files={"file": (name, f"last_name,phone\n{rows}\n".encode())},
            data={"kind": "contacts", "dry_run": "true"},
            headers=self.api,
            name="api check import",
            catch_response=True,
            timeout=TIMEOUT,
        ) as r:
            # the upload is stored and answered at once (202); the worker checks the file
            if r.status_code != 202:
                r.failure(_why(r))
                return
            body = r.json()
        record_write("create", "import", body["id"], None, {"file_name": name})

    @task(2)
    def page_create_contact(self):
        form = self.page("/contacts/new/", "page new contact form")
        if form is None:
            return
        fields = {"first_name": "صفحه", "last_name": f"فرم {next(_counter)}"}
        data = dict(form_fields(form))
        data.update(fields)
        with self.client.post(
            "/contacts/new/",
            data=data,
            headers={"Referer": self.host + "/contacts/new/"},
            allow_redirects=False,
            name="page create contact",
            catch_response=True,
            timeout=TIMEOUT,
        ) as r:
            found = re.match(r".*/contacts/(\d+)/$", r.headers.get("Location", ""))
            if r.status_code != 302 or not found:
                r.failure(_why(r, "not saved"))
                return
        pk = int(found.group(1))
        self.mine["contacts"].append([pk, 1])
        record_write("create", "contact", pk, 1, fields)

    @task(2)
    def page_edit_contact(self):
        if not self.mine["contacts"]:
            return
        mine = random.choice(self.mine["contacts"])
        form = self.page(f"/contacts/{mine[0]}/edit/", "page edit contact form")
        if form is None:
            return
        data = form_fields(form)
        values = dict(data)
        version = int(values["version"])
        # a save that changes nothing leaves the version as it was: always change the city
        city = random.choice([c for c in ("اصفهان", "شیراز", "مشهد", "تبریز") if c != values.get("city")])
        data = [(k, city if k == "city" else v) for k, v in data]
        with self.client.post(
            f"/contacts/{mine[0]}/edit/",
            data=data,
            headers={"Referer": self.host + f"/contacts/{mine[0]}/edit/"},
            allow_redirects=False,
            name="page edit contact",
            catch_response=True,
            timeout=TIMEOUT,
        ) as r:
            if r.status_code != 302:
                r.failure(_why(r, "not saved"))
                return
        mine[1] = version + 1
        record_write("update", "contact", mine[0], version + 1, {"city": city})

    @task(1)
    def page_move_deal(self):
        planned = self._planned_move()
        if planned is None:
            return
        deal, stage = planned
        headers = {"X-Requested-With": "fetch", "X-CSRFToken": self.csrf(), "Referer": self.host + "/board/"}
        with self.client.post(
            f"/deals/{deal[0]}/move/",
            data={"stage": stage, "version": deal[1]},
            headers=headers,
            allow_redirects=False,
            name="page move deal",
            catch_response=True,
            timeout=TIMEOUT,
        ) as r:
            if r.status_code != 200:
                r.failure(_why(r))
                return
        deal[1], deal[3] = deal[1] + 1, deal[3] + 1
        record_write("move", "deal", deal[0], deal[1], {"stage_id": stage})

    def _planned_move(self):
        """A deal of this user's that may leave its stage (its required items ticked), and the stage next."""
        deal = self._movable_deal()
        if deal is None:
            return None
        stage = self._next_stage(deal)
        return (deal, stage) if self._ready_to_move(deal) else None

    def _ready_to_move(self, deal) -> bool:
        """Tick the current stage's required checklist items, as a rep does before moving a deal on, and read
        the deal's version afresh."""
        current = self._pipeline(deal)["open_stages"][deal[3]]
        items = self.api_get(f"/deals/{deal[0]}/checklist", "api deal checklist")
        if items is None:
            return False
        for item in items:
            if item["stage_id"] == current and item["required"] and not item["done"]:
                if (
                    self.api_write(
                        "POST",
                        f"/deals/{deal[0]}/checklist",
                        "api tick checklist",
                        {"item": item["id"], "done": True},
                    )
                    is None
                ):
                    return False
        body = self.api_get(f"/deals/{deal[0]}", "api get deal")
        if body is None:
            return False
        deal[1] = body["version"]
        return True

    def _movable_deal(self):
        open_deals = [d for d in self.mine["deals"] if d[3] + 1 < len(self._pipeline(d)["open_stages"])]
        return random.choice(open_deals) if open_deals else None

    def _pipeline(self, deal):
        return next(p for p in self.stages if p["id"] == deal[2])

    def _next_stage(self, deal) -> int:
        return self._pipeline(deal)["open_stages"][deal[3] + 1]


class Admin(CrmUser):
    weight = 1
    role = "admin"


class SalesManager(CrmUser):
    weight = 2
    role = "sales_manager"


class SalesRep(CrmUser):
    weight = 7
    role = "sales_rep"
