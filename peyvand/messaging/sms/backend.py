"""The messaging backend for the ``sms`` channel: sends through the gateway configured in the settings (see
``services_sms.deliver``), and leaves the message queued when there is none."""

from peyvand.messaging.backends import BaseBackend
from peyvand.messaging.models import Outbox


class GatewayBackend(BaseBackend):
    def deliver(self, message: Outbox) -> None:
        from peyvand.messaging import services_sms

        services_sms.deliver(message)
