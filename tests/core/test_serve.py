"""`peyvand serve` as `make run` starts it (one command, nothing else) on a fresh SQLite database: a person signs
in over real HTTP, an import started from the import page finishes and a due reminder arrives, because the
command runs the background worker beside the web server; Ctrl+C (SIGINT) stops both."""

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook

PASSWORD = "pass-1234-word"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peyvand(*args: str) -> list[str]:
    return [sys.executable, "-m", "peyvand.cli", *args]


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found |= {int(child)} | _descendants(int(child))
    return found


def _worker_of(pid: int) -> int | None:
    """The background worker among the children of ``pid``."""
    for child in _descendants(pid):
        try:
            if " worker " in Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ") and _alive(child):
                return child
        except FileNotFoundError:
            continue
    return None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}


def _until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"waited {timeout:.0f} s for {what}")


def _spreadsheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["last_name", "first_name", "phones"])
    sheet.append(["رضایی", "علی", "09121234567"])
    sheet.append(["Karimi", "Sara", "09351234567"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csrf(session: requests.Session, html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def app(tmp_path):
    """`make run`'s steps on a fresh data folder: migrate, then `peyvand serve` in a process group of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEYVAND_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="peyvand.settings",
        PEYVAND_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'peyvand.sqlite3'}",
        SECRET_KEY="test-serve-secret-key-long-enough-for-django-checks-0123456789",
    )
    subprocess.run(_peyvand("migrate", "--noinput", "-v0"), env=env, check=True, capture_output=True)
    # an administrator, and a task of theirs due in a few minutes whose reminder (ten minutes before) is due now
    setup = (
        "import datetime as dt\n"
        "from django.core.management import call_command\n"
        "from django.utils import timezone\n"
        "from peyvand.accounts.models import User\n"
        "from peyvand.activities.services import create_activity\n"
        f"call_command('createuser', 'boss', role='admin', password='{PASSWORD}')\n"
        "create_activity(actor=User.objects.get(username='boss'), values={'subject': 'Call Rezaei back',"
        " 'due_at': timezone.now() + dt.timedelta(minutes=3), 'reminders': [10]})\n"
    )
    subprocess.run(_peyvand("shell", "-c", setup), env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - read back when the test fails
    process = subprocess.Popen(
        _peyvand("serve", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{url}/login/", timeout=2).status_code == 200
        except requests.ConnectionError:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            return False

    try:
        _until(up, 40, "the first page")
        yield process, url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.seek(0)
        print(log.read())
        log.close()


def test_one_command_serves_the_app_runs_background_work_and_ctrl_c_stops_everything(app):
    process, url = app
    children = _descendants(process.pid)
    assert len(children) >= 2, children  # the web server (and its workers) and the background worker

    web = requests.Session()
    page = web.get(f"{url}/login/").text
    signed = web.post(
        f"{url}/login/",
        data={"username": "boss", "password": PASSWORD, "csrfmiddlewaretoken": _csrf(web, page)},
        headers={"Referer": f"{url}/login/"},
    )
    assert signed.status_code == 200 and "/login/" not in signed.url, signed.url
    api = {"X-CSRFToken": web.cookies["csrftoken"], "Referer": f"{url}/"}

    # the import page: upload, the worker checks the file, then start it and the worker imports it
    upload_page = web.get(f"{url}/imports/").text
    uploaded = web.post(
        f"{url}/imports/",
        data={"kind": "contacts", "csrfmiddlewaretoken": _csrf(web, upload_page)},
        files={"file": ("people.xlsx", _spreadsheet())},
        headers={"Referer": f"{url}/imports/"},
    )
    run_id = int(re.search(r"/imports/(\d+)/$", uploaded.url).group(1))

    def status():
        return web.get(f"{url}/api/v1/imports/{run_id}").json()

    _until(lambda: status()["status"] == "checked", 30, "the check of the file")
    detail = web.get(f"{url}/imports/{run_id}/").text
    web.post(
        f"{url}/imports/{run_id}/start/",
        data={"csrfmiddlewaretoken": _csrf(web, detail)},
        headers={"Referer": f"{url}/imports/{run_id}/"},
    )
    done = _until(lambda: (s := status())["status"] == "done" and s, 30, "the import")
    assert done["created"] == 2, done
    names = web.get(f"{url}/api/v1/contacts", params={"q": "Karimi"}, headers=api).text
    assert "Karimi" in names

    def reminded():
        items = web.get(f"{url}/api/v1/notifications").json()["items"]
        return any("Call Rezaei back" in str(item) for item in items)

    _until(reminded, 30, "the reminder")

    # the worker is seen: no warning in the header
    assert "worker-warning" not in web.get(f"{url}/").text

    # a worker that dies is started again
    first = _worker_of(process.pid)
    os.kill(first, signal.SIGKILL)
    again = _until(lambda: (pid := _worker_of(process.pid)) not in (None, first) and pid, 15, "a new worker")
    children = (children - {first}) | {again}

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    _until(
        lambda: not any(_alive(pid) for pid in children), 20, "the server's and the worker's processes to end"
    )
