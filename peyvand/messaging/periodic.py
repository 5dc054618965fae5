from peyvand.messaging import periodic_mailboxes  # noqa: F401
