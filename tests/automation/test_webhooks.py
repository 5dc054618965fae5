"""Webhooks: signed, retried on server errors, and never sent to the private network.

A real HTTP server on 127.0.0.1 receives the calls; loopback is allowed only for the host named in
PEYVAND_WEBHOOK_ALLOW_HOSTS, as an intranet install would allow its own receiver.
"""

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from django.utils.html import escape

from peyvand.automation import webhooks
from peyvand.automation.models import Rule, RuleRun
from peyvand.sales.services import create_deal
from tests.automation.helpers import make_rule

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self):
        self.calls: list[dict] = []
        self.answers: list[tuple[int, dict]] = []  # (status, headers) per call, then 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, headers = receiver.answers.pop(0) if receiver.answers else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path="/hook", host="localhost"):
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def receiver(settings):
    settings.PEYVAND_WEBHOOK_ALLOW_HOSTS = ["localhost"]
    settings.PEYVAND_WEBHOOK_BACKOFF = 0
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_the_call_is_signed_with_the_rules_secret_over_timestamp_and_body(
    admin, rep_a, pipeline, receiver, run_events
):
    rule = make_rule(admin, "created", [{"type": "webhook", "url": receiver.url()}], record_type="deal")
    with run_events():
        deal = create_deal(actor=rep_a, values={"title": "ناوگان", "amount": "1500"})
    (call,) = receiver.calls
    timestamp = call["headers"]["X-Peyvand-Timestamp"]
    expected = hmac.new(
        rule.secret.encode(), timestamp.encode() + b"." + call["body"], hashlib.sha256
    ).hexdigest()
    assert call["headers"]["X-Peyvand-Signature"] == f"sha256={expected}"
    assert call["headers"]["Content-Type"] == "application/json"
    payload = json.loads(call["body"])
    assert payload["record"]["id"] == deal.pk
    assert payload["record"]["title"] == "ناوگان"
    assert payload["record"]["owner"] == "rep_a"
    assert payload["trigger"] == "created"
    assert "secret" not in call["body"].decode()
    assert RuleRun.objects.get().status == "ok"


def test_a_server_error_is_retried_then_succeeds(admin, rep_a, pipeline, receiver, run_events):
    receiver.answers = [(500, {}), (503, {})]
    make_rule(admin, "created", [{"type": "webhook", "url": receiver.url()}], record_type="deal")
    with run_events():
        create_deal(actor=rep_a, values={"title": "Fleet"})
    assert len(receiver.calls) == 3
    run = RuleRun.objects.get()
    assert run.status == "ok"
    assert run.results[0]["detail"] == "HTTP 200 after 3 attempt(s)"


def test_a_client_error_is_not_retried_within_the_call(receiver):
    receiver.answers = [(404, {})]
    with pytest.raises(webhooks.WebhookFailed, match="404"):
        webhooks.post(receiver.url(), payload=b"{}", secret="s")
    assert len(receiver.calls) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:{port}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://0.0.0.0:{port}/hook",
        "http://224.0.0.1/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(receiver, url):
    with pytest.raises(webhooks.WebhookRefused):
        webhooks.post(url.format(port=receiver.port), payload=b"{}", secret="s")
    assert receiver.calls == []


def test_a_host_name_resolving_to_loopback_is_refused_unless_allowed(receiver, settings):
    assert "127.0.0.1" in {info[4][0] for info in socket.getaddrinfo("localhost", receiver.port)}
    settings.PEYVAND_WEBHOOK_ALLOW_HOSTS = []
    with pytest.raises(webhooks.WebhookRefused):
        webhooks.post(receiver.url(), payload=b"{}", secret="s")
    assert receiver.calls == []


def test_a_redirect_to_a_private_address_is_refused(receiver):
    receiver.answers = [(307, {"Location": f"http://127.0.0.1:{receiver.port}/inside"})]
    with pytest.raises(webhooks.WebhookRefused):
        webhooks.post(receiver.url(), payload=b"{}", secret="s")
    assert [c["path"] for c in receiver.calls] == ["/hook"]


def test_a_redirect_to_an_allowed_host_keeps_the_post(receiver):
    receiver.answers = [(308, {"Location": "/moved"})]
    delivery = webhooks.post(receiver.url(), payload=b'{"a": 1}', secret="s")
    assert delivery.status == 200
    assert [(c["path"], c["body"]) for c in receiver.calls] == [
        ("/hook", b'{"a": 1}'),
        ("/moved", b'{"a": 1}'),
    ]


def test_a_refused_webhook_fails_the_rule_run_for_good_without_calling_anyone(
    admin, rep_a, pipeline, settings, run_events
):
    # Saved while the host was allowed; the operator has since taken it off the list.
    settings.PEYVAND_WEBHOOK_ALLOW_HOSTS = ["localhost"]
    make_rule(admin, "created", [{"type": "webhook", "url": "http://localhost:9/hook"}], record_type="deal")
    settings.PEYVAND_WEBHOOK_ALLOW_HOSTS = []
    with run_events():
        create_deal(actor=rep_a, values={"title": "Fleet"})
    run = RuleRun.objects.get()
    assert run.status == "failed"  # a refused address never becomes reachable by waiting: not retried
    assert run.next_attempt_at is None
    assert "WebhookRefused" in run.results[0]["error"]
    assert run.results[0]["permanent"] is True


REFUSED = "Webhooks may not call private or local network addresses."
# Every spelling of a local or private address the C resolver understands, and a name resolving to one.
LOCAL_URLS = [
    "http://localhost/hook",
    "http://LocalHost:8080/hook",
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://0x7f000001/hook",
    "http://2130706433/hook",
    "http://0177.0.0.1/hook",
    "http://[::1]/hook",
    "http://0.0.0.0/hook",
    "http://0/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[fe80::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook",
    "https://[::ffff:10.0.0.1]:8443/hook",
]


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_a_rule_calling_a_local_or_private_address_is_refused_when_saved_over_the_api(api_for, admin, url):
    answer = api_for(admin).post(
        "/automation/rules",
        {
            "name": "Hook",
            "trigger": "created",
            "record_type": "deal",
            "actions": [{"type": "webhook", "url": url}],
        },
    )
    assert answer.status_code == 422, answer.json()
    assert answer.json()["errors"] == [{"field": "actions.0.url", "message": REFUSED}]
    assert not Rule.objects.exists()


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_a_rule_calling_a_local_or_private_address_is_refused_by_the_rule_form(client, admin, url):
    client.force_login(admin)
    answer = client.post(
        "/automation/new/",
        {"name": "Hook", "enabled": "on", "when": "created:deal", "a-0-type": "webhook", "a-0-url": url},
    )
    assert answer.status_code == 200
    with translation.override("fa"):  # the page speaks the default language
        assert escape(translation.gettext(REFUSED)) in answer.content.decode()
    assert not Rule.objects.exists()


def test_a_host_on_the_allow_list_may_be_saved_and_a_public_address_is_accepted(api_for, admin, settings):
    settings.PEYVAND_WEBHOOK_ALLOW_HOSTS = ["localhost"]
    for url in ("http://localhost:8080/hook", "https://8.8.8.8/hook"):
        answer = api_for(admin).post(
            "/automation/rules",
            {
                "name": url,
                "trigger": "created",
                "record_type": "deal",
                "actions": [{"type": "webhook", "url": url}],
            },
        )
        assert answer.status_code == 201, answer.json()
    assert Rule.objects.count() == 2
