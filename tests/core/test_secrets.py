from cryptography.fernet import Fernet
from django.db import connection

from peyvand.core import secrets


def test_a_secret_is_stored_as_a_token_that_opens_back_to_the_text():
    token = secrets.encrypt("hunter2-رمز")
    assert token.startswith(secrets.PREFIX)
    assert "hunter2" not in token
    assert secrets.decrypt(token) == "hunter2-رمز"
    assert secrets.encrypt("") == "" and secrets.decrypt("") == ""


def test_the_same_secret_encrypts_differently_each_time():
    assert secrets.encrypt("same") != secrets.encrypt("same")


def test_keys_from_the_environment_rotate_first_encrypts_all_decrypt(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("PEYVAND_SECRETS_KEY", old)
    secrets.reset_keys()
    try:
        under_old = secrets.encrypt("api-key")
        monkeypatch.setenv("PEYVAND_SECRETS_KEY", f"{new},{old}")
        secrets.reset_keys()
        assert secrets.decrypt(under_old) == "api-key"
        rotated = secrets.rotate(under_old)
        monkeypatch.setenv("PEYVAND_SECRETS_KEY", new)
        secrets.reset_keys()
        assert secrets.decrypt(rotated) == "api-key"
        try:
            secrets.decrypt(under_old)
        except secrets.SecretUnreadable:
            pass
        else:
            raise AssertionError("a token under a removed key must not open")
    finally:
        monkeypatch.delenv("PEYVAND_SECRETS_KEY")
        secrets.reset_keys()


def test_an_encrypted_field_keeps_only_the_token_in_the_database(db):
    field = secrets.EncryptedTextField()
    stored = field.get_prep_value("p@ss")
    assert stored.startswith(secrets.PREFIX) and "p@ss" not in stored
    assert field.from_db_value(stored, None, connection) == "p@ss"
    # a value no key opens loads as "unknown" (None), not as an error or an empty secret
    assert field.from_db_value(secrets.PREFIX + "garbage", None, connection) is None
