"""Phones and e-mails as lists (peyvand/core/contactpoints.py): the common e-mail shape is accepted without the
full validator, and that shortcut never accepts what the validator refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peyvand.core.contactpoints import _PLAIN_EMAIL, clean_emails, is_plain_email
from peyvand.core.errors import ValidationFailed
from peyvand.core.text import normalize_email

email_like = st.text(
    alphabet=st.sampled_from(list("abcxyz019_+-.@ AZ!#'\"[]:") + ["۱", "é", "\t"]), max_size=30
)


def _validator_accepts(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _slow_clean_emails(raw: str) -> list[str]:
    """clean_emails as it was before the shortcut: every address through the validator."""
    result = []
    for part in (s.strip() for s in raw.replace("،", ",").replace("\n", ",").split(",")):
        if not part:
            continue
        email = normalize_email(part)
        if not _validator_accepts(email):
            raise ValidationFailed([{"field": "emails", "message": part}])
        if email not in result:
            result.append(email)
    return result


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.from_regex(_PLAIN_EMAIL, fullmatch=True))
def test_every_plain_email_is_one_the_validator_accepts(email):
    assert len(email) > 320 or _validator_accepts(email)


@hypothesis_settings(max_examples=500, deadline=None)
@given(email_like)
@example("a..b@example.com")
@example(".a@example.com")
@example("a@-example.com")
@example("a@example-.com")
@example("a@example.c")
@example("a@example.co1")
@example("a@localhost")
@example("a@[127.0.0.1]")
def test_the_shortcut_accepts_nothing_the_validator_refuses(text):
    if is_plain_email(text):
        assert _validator_accepts(text)


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.one_of(email_like, st.lists(email_like, max_size=3).map(", ".join)))
@example("Ali.Karimi@Gmail.COM")
@example(" ali@mail.ir ، ALI@mail.ir")
def test_clean_emails_gives_what_the_validator_alone_gives(raw):
    try:
        expected = _slow_clean_emails(raw)
    except ValidationFailed:
        with pytest.raises(ValidationFailed):
            clean_emails(raw)
    else:
        assert clean_emails(raw) == expected
