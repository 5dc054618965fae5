"""A real Dovecot for the mailbox tests, started once for the session; each test gets an account of its own."""

import itertools

import pytest

from tests.messaging.dovecot import start_or_skip

_accounts = itertools.count(1)
# Accounts are made when the server starts: Dovecot's password file is read again only when its modification
# time moves on, which two tests within a second would not see.
ACCOUNTS = 300


def _account(n: int) -> tuple[str, str]:
    return f"user{n}@example.com", f"pw-{n}-secret"


@pytest.fixture(scope="session")
def dovecot():
    server = start_or_skip(dict(_account(n) for n in range(1, ACCOUNTS + 1)))
    yield server
    server.stop()


@pytest.fixture
def imap_account(dovecot, settings):
    """(address, password) of a fresh, empty account on the Dovecot; its host may be called by our guard."""
    settings.PEYVAND_OUTBOUND_ALLOW_HOSTS = ["127.0.0.1", "localhost"]
    return _account(next(_accounts))
