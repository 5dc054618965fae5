"""accounts/permissions.py: read-only tokens only read; administrators keep a second factor when required."""

import pytest

from peyvand.accounts import permissions
from peyvand.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_refusal_codes_keep_their_values():
    assert permissions.TOKEN_READ_ONLY == "token.read_only"
    assert permissions.TWO_FACTOR_REQUIRED == "two_factor.required"


def test_a_read_only_token_reads_and_a_read_write_token_writes(rep_a):
    token, _key = ApiToken.issue(rep_a)
    token.read_only = True
    assert permissions.can_write_with_token(token, "GET")
    assert not permissions.can_write_with_token(token, "POST")
    token.read_only = False
    assert permissions.can_write_with_token(token, "DELETE")


def test_two_factor_is_required_of_administrators_only_when_the_site_says_so(settings, admin, manager_a):
    settings.PEYVAND_2FA_REQUIRED_FOR_ADMINS = True
    assert permissions.must_use_two_factor(admin) and not permissions.must_use_two_factor(manager_a)
    settings.PEYVAND_2FA_REQUIRED_FOR_ADMINS = False
    assert not permissions.must_use_two_factor(admin)
