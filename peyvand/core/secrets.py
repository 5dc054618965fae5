"""Secrets Peyvand must use again later (a mailbox's password, an SMS gateway's API key) are kept encrypted.

The key comes from the environment: ``PEYVAND_SECRETS_KEY`` holds one or more Fernet keys separated by commas,
the first encrypting and all of them decrypting, so a key is rotated by putting a new one in front and running
``peyvand rotate_secrets``. Without it (the embedded trial) a key is derived from ``SECRET_KEY`` with HKDF, so a
database copied without its ``SECRET_KEY`` still reveals nothing.

``EncryptedTextField`` stores the token and gives the model the clear text; nothing else of ours keeps it: the
field is never audited, exported or returned by the API (its value is replaced by ``SECRET_MASK`` in forms).
"""

import base64
import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"
# What a form or an answer shows in place of a kept secret: that one is set, never what it is.
SECRET_MASK = "••••••••"


class SecretUnreadable(Exception):
    """A stored secret that no configured key opens (the key was changed without rotating)."""


@cache
def _fernet() -> MultiFernet:
    configured = [k.strip() for k in os.environ.get("PEYVAND_SECRETS_KEY", "").split(",") if k.strip()]
    configured += [k for k in getattr(settings, "PEYVAND_SECRETS_KEYS", []) if k]
    if configured:
        return MultiFernet([Fernet(k.encode()) for k in configured])
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"peyvand-secrets", info=b"fernet").derive(
        settings.SECRET_KEY.encode()
    )
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def reset_keys() -> None:
    """Forget the keys read so far (a test or a rotation that changed the environment)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    if not text:
        return ""
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise SecretUnreadable("not an encrypted value")
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("no configured key opens this value") from None


def rotate(token: str) -> str:
    """The same secret encrypted under the first key."""
    if not token:
        return ""
    return PREFIX + _fernet().rotate(token[len(PREFIX) :].encode()).decode()


class Token(str):
    """A value already encrypted, written as it is (a rotation): the field encrypts every plain string."""


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; the model attribute is the clear text ("" when unset)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt(value)
        except SecretUnreadable:
            # Unreadable is kept apart from empty: the row still loads and the owner is asked to enter it again.
            return None

    def get_prep_value(self, value):
        if isinstance(value, Token):
            return str(value)
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(value)
