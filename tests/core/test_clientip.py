"""The client's address: behind a proxy the proxy's own entry of X-Forwarded-For, whatever way the setting
is switched on."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from peyvand.core.clientip import client_address


def _setting_read_from(value: str) -> str:
    env = {**os.environ, "PEYVAND_BEHIND_PROXY": value, "DJANGO_SETTINGS_MODULE": "peyvand.settings"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.PEYVAND_BEHIND_PROXY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("value", ["1", "true", "True", "on", "yes", " YES "])
def test_every_usual_way_of_saying_yes_puts_peyvand_behind_the_proxy(value):
    assert _setting_read_from(value) == "True"


@pytest.mark.parametrize("value", ["0", "false", "off", "no", ""])
def test_every_usual_way_of_saying_no_leaves_the_proxy_header_unread(value):
    assert _setting_read_from(value) == "False"


def test_behind_the_proxy_its_own_entry_is_the_address_and_the_clients_claims_are_ignored(settings):
    settings.PEYVAND_BEHIND_PROXY = True
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


def test_not_behind_a_proxy_the_header_is_ignored_and_nonsense_reads_as_unknown(settings):
    settings.PEYVAND_BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert client_address(request) == "198.51.100.7"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="not-an-address")) == "0.0.0.0"
