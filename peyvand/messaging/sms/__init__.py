"""SMS through Iranian gateways: one client per gateway (``base.Provider``), the parts a text takes
(``segments``), and the messaging backend that sends through the configured gateway (``backend``)."""

from peyvand.messaging.sms.base import Provider
from peyvand.messaging.sms.generic import GenericHttp
from peyvand.messaging.sms.kavenegar import Kavenegar
from peyvand.messaging.sms.melipayamak import Melipayamak
from peyvand.messaging.sms.segments import sms_parts
from peyvand.messaging.sms.smsir import SmsIr

PROVIDERS: dict[str, type[Provider]] = {cls.key: cls for cls in (Kavenegar, SmsIr, Melipayamak, GenericHttp)}

__all__ = ["PROVIDERS", "Provider", "sms_parts"]
