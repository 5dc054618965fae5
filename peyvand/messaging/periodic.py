from peyvand.messaging import periodic_outbox  # noqa: F401
