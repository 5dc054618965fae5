"""Local HTTP servers that speak the Iranian SMS gateways' documented protocols (the same paths, parameters,
authentication, answer JSON and error codes as their public API documents; see each client's docstring), so
the clients are tested over the wire. Each keeps what it was sent and the delivery state of each message,
which a test moves as the network would (``deliver(id)``)."""

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

MOBILE = re.compile(r"^09\d{9}$")


class FakeGateway:
    """A running fake: ``url`` to point a client at, ``sent`` the messages it accepted, ``requests`` every
    call (method, path, headers, params), ``credit`` (0: the gateway refuses for lack of credit)."""

    api_key = "test-key-7f3a9c"

    def __init__(self):
        self.sent: list[dict] = []
        self.requests: list[dict] = []
        self.states: dict[str, int] = {}
        self.credit = 1000
        self.busy = False  # answer the documented "try later" code
        self.ids = itertools.count(8792343)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                params = dict(parse_qsl(parts.query))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    params.update(parse_qsl(body.decode()))
                request = {
                    "method": self.command,
                    "path": unquote(parts.path),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "params": params,
                    "body": body,
                }
                fake.requests.append(request)
                status, answer = fake.handle(request)
                data = (
                    answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def deliver(self, message_id, state):
        self.states[str(message_id)] = state

    def handle(self, request) -> tuple[int, object]:
        raise NotImplementedError


def running(cls):
    """A pytest fixture body: the fake started for the test and stopped after it."""
    fake = cls()
    try:
        yield fake
    finally:
        fake.stop()


class FakeKavenegar(FakeGateway):
    """https://kavenegar.com/rest.html: the key in the path, form fields, ``return`` and ``entries``."""

    def _error(self, code, message):
        return code, {"return": {"status": code, "message": message}, "entries": None}

    def handle(self, request):
        match = re.fullmatch(r"/v1/([^/]+)/sms/(send|status)\.json", request["path"])
        if not match:
            return self._error(404, "متد نامشخص است")
        key, method = match.groups()
        if key != self.api_key:
            return self._error(403, "کد شناسائی API-Key معتبر نمی‌باشد")
        if self.busy:
            return self._error(409, "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید")
        params = request["params"]
        if method == "send":
            if request["method"] != "POST" and not params:
                return self._error(405, "متد Get/Post اشتباه است")
            if not params.get("receptor") or not params.get("message"):
                return self._error(406, "پارامترهای اجباری خالی ارسال شده اند")
            if not MOBILE.match(params["receptor"]):
                return self._error(411, "دریافت کننده نامعتبر است")
            if self.credit <= 0:
                return self._error(418, "اعتبار حساب شما کافی نیست")
            message_id = next(self.ids)
            self.states[str(message_id)] = 1
            self.sent.append(
                {
                    "id": str(message_id),
                    "to": params["receptor"],
                    "text": params["message"],
                    "sender": params.get("sender", ""),
                }
            )
            entry = {
                "messageid": message_id,
                "message": params["message"],
                "status": 1,
                "statustext": "در صف ارسال",
                "sender": params.get("sender", "10004346"),
                "receptor": params["receptor"],
                "date": 1356619709,
                "cost": 120,
            }
            return 200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [entry]}
        ids = [i for i in params.get("messageid", "").split(",") if i]
        if not ids:
            return self._error(406, "پارامترهای اجباری خالی ارسال شده اند")
        entries = [
            {
                "messageid": int(i),
                "status": self.states.get(i, 100),
                "statustext": {10: "رسیده به گیرنده", 11: "نرسیده به گیرنده"}.get(self.states.get(i), ""),
            }
            for i in ids
        ]
        return 200, {"return": {"status": 200, "message": "تایید شد"}, "entries": entries}


class FakeSmsIr(FakeGateway):
    """https://apidocs.sms.ir/: the ``X-API-KEY`` header, JSON in and out, ``status`` 1 for success."""

    def _error(self, http, code, message):
        return http, {"status": code, "message": message, "data": None}

    def handle(self, request):
        if request["headers"].get("x-api-key") != self.api_key:
            return self._error(401, 10, "کلید وب سرویس نامعتبر است")
        path = request["path"]
        if path == "/v1/send/bulk" and request["method"] == "POST":
            payload = json.loads(request["body"] or b"{}")
            mobiles = payload.get("mobiles") or []
            if not mobiles:
                return self._error(400, 107, "لیست موبایل ها خالی میباشد")
            if any(not MOBILE.match(str(m)) for m in mobiles):
                return self._error(400, 104, "درخواست شما دارای موبایل (های) نادرست است")
            if self.credit <= 0:
                return self._error(400, 102, "اعتبار کافی نمی باشد")
            ids = []
            for mobile in mobiles:
                message_id = next(self.ids)
                ids.append(message_id)
                self.states[str(message_id)] = 3
                self.sent.append(
                    {
                        "id": str(message_id),
                        "to": mobile,
                        "text": payload.get("messageText"),
                        "sender": str(payload.get("lineNumber")),
                    }
                )
            return 200, {
                "status": 1,
                "message": "موفق",
                "data": {"packId": "6b5c9e2f-1d1c-4e3a-9f0e-2f7f3e0c1a11", "messageIds": ids, "cost": 1.0},
            }
        match = re.fullmatch(r"/v1/send/(\d+)", path)
        if match and request["method"] == "GET":
            message_id = match.group(1)
            if message_id not in self.states:
                return self._error(400, 111, "با این شناسه ارسالی ثبت نشده است")
            sent = next(s for s in self.sent if s["id"] == message_id)
            return 200, {
                "status": 1,
                "message": "موفق",
                "data": {
                    "messageId": int(message_id),
                    "mobile": int(sent["to"]),
                    "messageText": sent["text"],
                    "sendDateTime": 1700000000,
                    "lineNumber": int(sent["sender"] or 0),
                    "cost": 1.0,
                    "deliveryState": self.states[message_id],
                    "deliveryDateTime": 1700000060,
                },
            }
        return self._error(404, 0, "Not found")


class FakeMelipayamak(FakeGateway):
    """https://www.melipayamak.com/api/ (REST): form posts with username and password, ``RetStatus``."""

    username = "peyvand"

    def _answer(self, ret, value, text):
        return 200, {"Value": str(value), "RetStatus": ret, "StrRetStatus": text}

    def handle(self, request):
        params = request["params"]
        if params.get("username") != self.username or params.get("password") != self.api_key:
            return self._answer(0, 0, "InvalidUserPass")
        if request["path"] == "/api/SendSMS/SendSMS":
            if not MOBILE.match(params.get("to", "")):
                return self._answer(16, 16, "RecipientNotFound")
            if self.credit <= 0:
                return self._answer(2, 2, "CreditNotEnough")
            rec_id = str(next(self.ids)) + "0000000000"
            self.states[rec_id] = 0
            self.sent.append(
                {
                    "id": rec_id,
                    "to": params["to"],
                    "text": params.get("text"),
                    "sender": params.get("from", ""),
                }
            )
            return self._answer(1, rec_id, "Ok")
        if request["path"] == "/api/SendSMS/GetDeliveries2":
            return self._answer(1, self.states.get(params.get("recId", ""), -1), "Ok")
        return 404, b"Not Found"


class FakeHttpGateway(FakeGateway):
    """A gateway of no particular brand: ``GET /send?to=&text=&from=&key=`` answers ``{"result": {"id"}}``."""

    def handle(self, request):
        params = request["params"]
        if request["path"] != "/send":
            return 404, {"error": "not found"}
        if params.get("key") != self.api_key:
            return 401, {"error": "bad key"}
        message_id = f"g-{next(self.ids)}"
        self.sent.append(
            {
                "id": message_id,
                "to": params.get("to"),
                "text": params.get("text"),
                "sender": params.get("from", ""),
            }
        )
        return 200, {"result": {"id": message_id, "accepted": True}}
