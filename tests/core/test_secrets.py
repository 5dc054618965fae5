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


def test_rotating_encrypts_every_kept_secret_again_under_the_new_first_key(db, monkeypatch):
    from django.core.management import call_command

    from peyvand.messaging.models import SmsGateway

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("PEYVAND_SECRETS_KEY", old)
    secrets.reset_keys()
    try:
        gateway = SmsGateway.objects.create(provider="kavenegar", api_key="key-123")
        monkeypatch.setenv("PEYVAND_SECRETS_KEY", f"{new},{old}")
        secrets.reset_keys()
        call_command("rotate_secrets", stdout=__import__("io").StringIO())
        monkeypatch.setenv("PEYVAND_SECRETS_KEY", new)  # the old key gone: the rotated value still opens
        secrets.reset_keys()
        assert SmsGateway.objects.get(pk=gateway.pk).api_key == "key-123"
        with connection.cursor() as cursor:
            cursor.execute("SELECT api_key FROM messaging_smsgateway")
            assert "key-123" not in cursor.fetchone()[0]
    finally:
        monkeypatch.delenv("PEYVAND_SECRETS_KEY")
        secrets.reset_keys()
