"""The messaging app's scheduled jobs, found by the worker's autodiscovery of ``periodic`` modules."""

from peyvand.messaging import periodic_mailboxes, periodic_outbox, periodic_sms  # noqa: F401
