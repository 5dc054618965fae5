"""Melipayamak (Payamak Panel) REST web service, as documented at https://www.melipayamak.com/api/ (the REST
section: "SendSMS" and "GetDeliveries2" under ``https://rest.payamak-panel.com/api/SendSMS/``, with their
tables of return values and delivery states).

- Every call is a form POST carrying the panel's ``username`` and ``password`` (the password is what the
  settings keep as the API key; the user name is an option) and answers ``{"Value", "RetStatus",
  "StrRetStatus"}``; ``RetStatus`` 1 is success, others a refusal: 0 wrong user name or password, 2 not enough
  credit, 3 daily limit, 4 volume limit, 5 invalid sender line, 6 the system is being updated, 7 a filtered
  word, 9 a public line cannot send through the web service, 10 user inactive, 11 not sent, 12 documents
  incomplete, 14 links not allowed, 16 no valid recipient, 35 the number is on the blacklist.
- Send: ``SendSMS`` with ``to`` (09xxxxxxxxx), ``from``, ``text`` and ``isFlash=false``; ``Value`` is the
  message's ``recId``.
- Delivery: ``GetDeliveries2`` with ``recId``; ``Value`` is the state: 1 delivered, 2 not delivered, 3 a
  network error, 5 unknown error, 16 not delivered to the operator, 35 blacklisted, 300 filtered, 500 refused;
  0, 8, 200 and 400 are still on the way. Reports are fetched (there is no delivery webhook to configure).
"""

from urllib.parse import urlencode

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
    0: (gettext_lazy("The gateway does not accept this user name and password."), False),
    2: (gettext_lazy("The gateway account has no credit left."), False),
    3: (gettext_lazy("The gateway's daily sending limit is reached; the message will be tried again."), True),
    4: (gettext_lazy("The gateway's sending volume limit is reached."), False),
    5: (gettext_lazy("The gateway does not accept this sender line."), False),
    6: (gettext_lazy("The gateway is being updated; the message will be tried again."), True),
    7: (gettext_lazy("The gateway filtered a word in the message."), False),
    9: (gettext_lazy("A public line cannot send through the gateway's web service."), False),
    10: (gettext_lazy("The gateway account is deactivated."), False),
    11: (gettext_lazy("The gateway did not send the message."), True),
    12: (gettext_lazy("The gateway account's documents are incomplete."), False),
    14: (gettext_lazy("The gateway does not allow links in messages from this account."), False),
    16: (gettext_lazy("The gateway found no valid recipient number."), False),
    35: (gettext_lazy("The recipient's number is on the operators' blacklist."), False),
}
STATES = {1: DELIVERED, 2: UNDELIVERED, 3: UNDELIVERED, 5: UNDELIVERED, 16: UNDELIVERED, 35: UNDELIVERED}
STATES.update({300: UNDELIVERED, 500: UNDELIVERED})


class Melipayamak(Provider):
    key = "melipayamak"
    label = gettext_lazy("Melipayamak")
    base_url = "https://rest.payamak-panel.com"
    docs = "https://www.melipayamak.com/api/"

    def _post(self, method: str, form: dict) -> str:
        body = urlencode({"username": self.options.get("username", ""), "password": self.api_key, **form})
        response = self.call(
            "POST",
            f"{self.base_url}/api/SendSMS/{method}",
            body=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        data = self.decode_json(response)
        status = data.get("RetStatus") if isinstance(data, dict) else None
        if status == 1:
            return str(data.get("Value", ""))
        raise refusal(as_int(status, response.status), ERRORS, retryable=response.status >= 500)

    def send(self, to_e164: str, text: str, sender: str = "") -> SendResult:
        rec_id = self._post(
            "SendSMS",
            {"to": national_mobile(to_e164), "from": sender or self.sender, "text": text, "isFlash": "false"},
        )
        return SendResult(ids=[rec_id], status="Ok")

    def delivery_status(self, ids: list[str]) -> list[DeliveryReport]:
        reports = []
        for rec_id in ids:
            value = self._post("GetDeliveries2", {"recId": rec_id})
            code = as_int(value)
            reports.append(
                DeliveryReport(rec_id, STATES.get(code, PENDING), {"provider": "melipayamak", "status": code})
            )
        return reports
