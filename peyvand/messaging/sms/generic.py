"""Any gateway with an HTTP API, described in the settings rather than in code.

Options (all strings):

- ``method`` (GET or POST) and ``url``, a template with ``{to}``, ``{text}``, ``{sender}`` and ``{key}``
  placeholders filled URL-encoded: ``https://sms.example/send?to={to}&msg={text}&from={sender}&key={key}``;
- ``body``, an optional template for a POST's body, with ``content_type`` (``application/json``: the values
  are filled as JSON string contents; anything else: URL-encoded), and ``auth_header`` (for example
  ``Authorization: Bearer {key}``);
- ``number_format``: ``national`` (09121234567, the default), ``e164`` (+989121234567) or ``digits``
  (989121234567);
- ``id_path`` (a dotted path into a JSON answer, ``data.ids.0``) or ``id_regex`` (its first group is the id);
- webhooks: ``delivery_id_param``/``delivery_status_param`` and ``delivered_values``/``undelivered_values``
  (comma-separated), and ``inbound_from_param``, ``inbound_to_param``, ``inbound_text_param``,
  ``inbound_id_param``.

The URL goes through the private-address guard like every other call: an address on the local network is
refused unless the installation allows its host.
"""

import json
import re
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peyvand.messaging.sms.base import (
    DELIVERED,
    PENDING,
    UNDELIVERED,
    DeliveryReport,
    InboundMessage,
    Provider,
    SendResult,
    SmsError,
    WebhookRequest,
    e164_or_raw,
    national_mobile,
)

PLACEHOLDER = re.compile(r"\{(to|text|sender|key)\}")


def number_as(e164: str, number_format: str) -> str:
    if number_format == "e164":
        return e164
    if number_format == "digits":
        return e164.lstrip("+")
    return national_mobile(e164)


def fill(template: str, values: dict[str, str], escape) -> str:
    return PLACEHOLDER.sub(lambda m: escape(values[m.group(1)]), template)


def json_string_contents(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def find_id(answer: str, *, id_path: str = "", id_regex: str = "") -> str:
    if id_regex:
        found = re.search(id_regex, answer)
        return (found.group(1) if found.groups() else found.group(0)) if found else ""
    if id_path:
        try:
            value = json.loads(answer)
        except ValueError:
            return ""
        for step in id_path.split("."):
            if isinstance(value, list) and step.isdigit() and int(step) < len(value):
                value = value[int(step)]
            elif isinstance(value, dict) and step in value:
                value = value[step]
            else:
                return ""
        return "" if value is None or isinstance(value, dict | list) else str(value)
    return ""


class GenericHttp(Provider):
    key = "generic"
    label = gettext_lazy("Other gateway (HTTP address template)")
    docs = ""
    pushes_delivery = True
    pushes_inbound = True

    def send(self, to_e164: str, text: str, sender: str = "") -> SendResult:
        template = self.options.get("url", "")
        if not template:
            raise SmsError(_("The gateway has no address template."), code="config")
        values = {
            "to": number_as(to_e164, self.options.get("number_format", "national")),
            "text": text,
            "sender": sender or self.sender,
            "key": self.api_key,
        }
        url = fill(template, values, lambda v: quote(v, safe=""))
        method = (self.options.get("method") or "GET").upper()
        headers = {"Accept": "application/json, text/plain, */*"}
        body = None
        if method == "POST" and self.options.get("body"):
            content_type = self.options.get("content_type") or "application/x-www-form-urlencoded"
            escape = json_string_contents if "json" in content_type else (lambda v: quote(v, safe=""))
            body = fill(self.options["body"], values, escape).encode()
            headers["Content-Type"] = content_type
        auth = self.options.get("auth_header", "")
        if ":" in auth:
            name, value = auth.split(":", 1)
            headers[name.strip()] = fill(value.strip(), values, lambda v: v)
        response = self.call(method, url, body=body, headers=headers)
        answer = response.text()
        if not 200 <= response.status < 300:
            raise SmsError(
                _("The gateway refused the message (HTTP %(status)s).") % {"status": response.status},
                code=str(response.status),
                retryable=response.status >= 500 or response.status == 429,
            )
        message_id = find_id(
            answer, id_path=self.options.get("id_path", ""), id_regex=self.options.get("id_regex", "")
        )
        if (self.options.get("id_path") or self.options.get("id_regex")) and not message_id:
            raise SmsError(_("The gateway's answer did not contain a message id."), code="no-id")
        return SendResult(ids=[message_id] if message_id else [], status=str(response.status))

    def parse_delivery_webhook(self, request: WebhookRequest) -> list[DeliveryReport]:
        params = request.params
        message_id = params.get(self.options.get("delivery_id_param") or "id", "").strip()
        if not message_id:
            return []
        status = params.get(self.options.get("delivery_status_param") or "status", "").strip()

        def values(name: str, default: str) -> set[str]:
            return {v.strip().lower() for v in (self.options.get(name) or default).split(",") if v.strip()}

        state = PENDING
        if status.lower() in values("delivered_values", "delivered,delivrd,1"):
            state = DELIVERED
        elif status.lower() in values("undelivered_values", "undelivered,undeliv,failed,rejectd,expired,2"):
            state = UNDELIVERED
        return [DeliveryReport(message_id, state, {"provider": "generic", "status": status[:100]})]

    def parse_inbound_webhook(self, request: WebhookRequest) -> list[InboundMessage]:
        params = request.params
        sender = params.get(self.options.get("inbound_from_param") or "from", "")
        if not sender:
            return []
        return [
            InboundMessage(
                from_number=e164_or_raw(sender),
                to_line=params.get(self.options.get("inbound_to_param") or "to", ""),
                text=params.get(self.options.get("inbound_text_param") or "text", ""),
                provider_message_id=params.get(self.options.get("inbound_id_param") or "id", ""),
            )
        ]
