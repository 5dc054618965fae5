"""SMS.ir's REST API version 1, as documented at https://apidocs.sms.ir/ (sections "مقدمه" for the answer
model, the header ``X-API-KEY`` and the HTTP codes; "ارسال گروهی" for ``send/bulk``; "گزارش پیام ارسالی" for a
sent message's report; and the table of status codes).

- Every call carries the key in the ``X-API-KEY`` header and answers ``{"status": 1, "message": …, "data": …}``;
  ``status`` other than 1 is a refusal (10 invalid key, 11 key disabled, 12 key restricted to addresses, 13/14
  account inactive or suspended, 20 too many requests, 101 invalid line, 102 not enough credit, 104 invalid
  mobile number, …), with HTTP 400, 401, 429 or 500.
- Send: ``POST https://api.sms.ir/v1/send/bulk`` with JSON ``{"lineNumber", "messageText", "mobiles": [...],
  "sendDateTime": null}``; ``data`` is ``{"packId", "messageIds": [...], "cost"}``.
- Report: ``GET https://api.sms.ir/v1/send/{messageId}``; ``data.deliveryState`` is 1 delivered to the phone, 2
  not delivered to the phone, 3 at the operator, 4 not delivered to the operator, 5 delivered to the operator,
  6 failed, 7 on the blacklist. SMS.ir pushes no reports to a webhook, so they are fetched.
"""

import json

from django.utils.translation import gettext_lazy

from peyvand.messaging.sms.base import (
    DELIVERED,
    PENDING,
    UNDELIVERED,
    DeliveryReport,
    Provider,
    SendResult,
    as_int,
    national_mobile,
    refusal,
)

ERRORS = {
    0: (gettext_lazy("The gateway had an error; the message will be tried again."), True),
    10: (gettext_lazy("The gateway does not accept this API key."), False),
    11: (gettext_lazy("This API key is disabled at the gateway."), False),
    12: (gettext_lazy("The gateway does not accept calls from this server's address."), False),
    13: (gettext_lazy("The gateway account is deactivated."), False),
    14: (gettext_lazy("The gateway account is suspended."), False),
    20: (gettext_lazy("Too many requests to the gateway; the message will be tried again."), True),
    101: (gettext_lazy("The gateway does not accept this sender line."), False),
    102: (gettext_lazy("The gateway account has no credit left."), False),
    103: (gettext_lazy("The message is empty."), False),
    104: (gettext_lazy("The gateway says the recipient's number is not valid."), False),
    105: (gettext_lazy("Too many recipients in one request."), False),
    107: (gettext_lazy("The request to the gateway had no recipient."), False),
    111: (gettext_lazy("The gateway knows no message with this id."), False),
}
STATES = {1: DELIVERED, 2: UNDELIVERED, 4: UNDELIVERED, 6: UNDELIVERED, 7: UNDELIVERED}


class SmsIr(Provider):
    key = "smsir"
    label = gettext_lazy("SMS.ir")
    base_url = "https://api.sms.ir"
    docs = "https://apidocs.sms.ir/"

    def _headers(self) -> dict[str, str]:
        return {"X-API-KEY": self.api_key, "Accept": "application/json", "Content-Type": "application/json"}

    def _answer(self, response):
        data = self.decode_json(response)
        status = data.get("status") if isinstance(data, dict) else None
        if status == 1 and response.status == 200:
            return data.get("data")
        raise refusal(
            as_int(status, response.status),
            ERRORS,
            retryable=response.status >= 500 or response.status == 429,
        )

    def send(self, to_e164: str, text: str, sender: str = "") -> SendResult:
        line = sender or self.sender
        payload = {
            "lineNumber": int(line) if line.isdigit() else line,
            "messageText": text,
            "mobiles": [national_mobile(to_e164)],
            "sendDateTime": None,
        }
        response = self.call(
            "POST",
            f"{self.base_url}/v1/send/bulk",
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers=self._headers(),
        )
        data = self._answer(response) or {}
        cost = data.get("cost")
        return SendResult(
            ids=[str(i) for i in data.get("messageIds") or []],
            cost=float(cost) if isinstance(cost, int | float) else None,
            status=str(data.get("packId") or ""),
        )

    def delivery_status(self, ids: list[str]) -> list[DeliveryReport]:
        reports = []
        for message_id in ids:
            response = self.call("GET", f"{self.base_url}/v1/send/{message_id}", headers=self._headers())
            data = self._answer(response) or {}
            code = as_int(data.get("deliveryState"))
            detail = {"provider": "smsir", "status": code}
            if data.get("deliveryDateTime"):
                detail["at"] = data["deliveryDateTime"]
            reports.append(DeliveryReport(str(message_id), STATES.get(code, PENDING), detail))
        return reports
