"""Kavenegar's REST API, as documented at https://kavenegar.com/rest.html (sections "sms/send", "sms/status",
"Webhook/Callback: delivery" and "Webhook/Callback: receive", and the table of return codes).

- Send: ``POST https://api.kavenegar.com/v1/{API-KEY}/sms/send.json`` with the form fields ``receptor``
  (09xxxxxxxxx), ``message`` and ``sender``; the answer is ``{"return": {"status": 200, "message": …},
  "entries": [{"messageid", "status", "statustext", "receptor", "cost", …}]}``, and a refusal carries its code
  both as the HTTP status and as ``return.status`` (403 wrong key, 418 no credit, 411 invalid receptor, …).
- Status: ``GET …/sms/status.json?messageid=1,2`` (up to 500 ids) answers ``entries`` of
  ``{"messageid", "status", "statustext"}``: 10 delivered, 11 not delivered, 6/13/14/100 failed, others pending.
- The panel's delivery URL is called with ``messageid`` and ``status``; its receive URL with ``messageid``,
  ``from``, ``to`` and ``message`` (form fields or the query string).
"""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy

from peyvand.messaging.sms.base import (
    DELIVERED,
    PENDING,
    UNDELIVERED,
    DeliveryReport,
    InboundMessage,
    Provider,
    SendResult,
    WebhookRequest,
    as_int,
    e164_or_raw,
    national_mobile,
    refusal,
)

# The documented return codes, with whether the same request may succeed later.
ERRORS = {
    400: (gettext_lazy("The request to the gateway was incomplete."), False),
    401: (gettext_lazy("The gateway account is deactivated."), False),
    402: (gettext_lazy("The gateway could not carry out the request."), True),
    403: (gettext_lazy("The gateway does not accept this API key."), False),
    404: (gettext_lazy("The gateway does not know this method."), False),
    405: (gettext_lazy("The gateway refused the request method."), False),
    406: (gettext_lazy("A field the gateway requires was empty."), False),
    407: (gettext_lazy("The gateway account may not use this."), False),
    409: (gettext_lazy("The gateway is busy; the message will be tried again."), True),
    411: (gettext_lazy("The gateway says the recipient's number is not valid."), False),
    412: (gettext_lazy("The gateway does not accept this sender line."), False),
    413: (gettext_lazy("The message is empty or too long for the gateway."), False),
    414: (gettext_lazy("The request was too large for the gateway."), False),
    416: (gettext_lazy("The gateway does not accept calls from this server's address."), False),
    417: (gettext_lazy("The gateway refused the sending date."), False),
    418: (gettext_lazy("The gateway account has no credit left."), False),
    420: (gettext_lazy("The gateway does not allow links in messages from this account."), False),
    422: (gettext_lazy("The message has characters the gateway cannot send."), False),
    427: (gettext_lazy("This sender line needs permission from the gateway."), False),
    429: (gettext_lazy("The gateway has blocked this server's address."), False),
    451: (gettext_lazy("Too many requests to the gateway; the message will be tried again."), True),
    501: (gettext_lazy("A trial account may only send to its owner's own number."), False),
}
STATES = {10: DELIVERED, 11: UNDELIVERED, 6: UNDELIVERED, 13: UNDELIVERED, 14: UNDELIVERED, 100: UNDELIVERED}


class Kavenegar(Provider):
    key = "kavenegar"
    label = gettext_lazy("Kavenegar")
    base_url = "https://api.kavenegar.com"
    docs = "https://kavenegar.com/rest.html"
    pushes_delivery = True
    pushes_inbound = True

    def _url(self, method: str) -> str:
        return f"{self.base_url}/v1/{quote(self.api_key, safe='')}/sms/{method}.json"

    def _answer(self, response) -> dict:
        data = self.decode_json(response)
        status = (data.get("return") or {}).get("status") if isinstance(data, dict) else None
        if status == 200:
            return data
        code = as_int(status, response.status)
        raise refusal(code, ERRORS, retryable=code >= 500)

    def send(self, to_e164: str, text: str, sender: str = "") -> SendResult:
        form = {"receptor": national_mobile(to_e164), "message": text}
        if sender or self.sender:
            form["sender"] = sender or self.sender
        response = self.call(
            "POST",
            self._url("send"),
            body=urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        entries = self._answer(response).get("entries") or []
        costs = [e.get("cost") for e in entries if isinstance(e.get("cost"), int | float)]
        return SendResult(
            ids=[str(e["messageid"]) for e in entries if e.get("messageid") is not None],
            cost=sum(costs) if costs else None,
            status=str(entries[0].get("statustext", "")) if entries else "",
        )

    def delivery_status(self, ids: list[str]) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            response = self.call(
                "GET",
                self._url("status") + "?" + urlencode({"messageid": ",".join(chunk)}),
                headers={"Accept": "application/json"},
            )
            for entry in self._answer(response).get("entries") or []:
                reports.append(
                    self._report(entry.get("messageid"), entry.get("status"), entry.get("statustext"))
                )
        return reports

    @staticmethod
    def _report(messageid, status, statustext="") -> DeliveryReport:
        code = as_int(status)
        detail = {"provider": "kavenegar", "status": code}
        if statustext:
            detail["text"] = str(statustext)[:200]
        return DeliveryReport(str(messageid), STATES.get(code, PENDING), detail)

    def parse_delivery_webhook(self, request: WebhookRequest) -> list[DeliveryReport]:
        messageid = request.params.get("messageid", "").strip()
        if not messageid:
            return []
        return [self._report(messageid, request.params.get("status"))]

    def parse_inbound_webhook(self, request: WebhookRequest) -> list[InboundMessage]:
        params = request.params
        if not params.get("from"):
            return []
        return [
            InboundMessage(
                from_number=e164_or_raw(params["from"]),
                to_line=params.get("to", ""),
                text=params.get("message", ""),
                provider_message_id=params.get("messageid", ""),
            )
        ]
