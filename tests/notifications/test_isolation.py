"""A Persian name in an English notification is isolated, so it cannot reorder the sentence around it; in Persian
pages, and for Latin names, the text is as written."""

import pytest
from django.utils import translation

from peyvand.core.text import FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE
from peyvand.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_persian_name_is_isolated_in_an_english_sentence_only(rep_a):
    note = Notification(
        recipient=rep_a,
        title="%(actor)s mentioned you on %(record)s",
        params={"actor": "rep_b", "record": "سارا رضایی"},
    )
    with translation.override("en"):
        assert note.text_title() == (
            f"rep_b mentioned you on {FIRST_STRONG_ISOLATE}سارا رضایی{POP_DIRECTIONAL_ISOLATE}"
        )
    with translation.override("fa"):
        assert FIRST_STRONG_ISOLATE not in note.text_title() and "سارا رضایی" in note.text_title()
