"""Error pages speak the user's language and look like the rest of the app; e-mails on record pages are links."""

import pytest
from django.test import Client, override_settings

from peyvand.contacts.services import create_contact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, words", [("fa", ("پیدا نشد", 'dir="rtl"')), ("en", ("Not found", 'dir="ltr"'))]
)
def test_a_missing_page_says_so_in_the_users_language_inside_the_app(rep_a, language, words):
    client = Client()
    client.force_login(rep_a)
    client.cookies["django_language"] = language
    response = client.get("/contacts/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert all(word in page for word in words)
    assert 'class="topbar"' in page  # the header and menu are there to carry on from


@override_settings(DEBUG=False)
def test_the_server_error_page_needs_no_request_and_speaks_both_languages():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "چیزی درست کار نکرد" in page and "Something went wrong" in page


def test_e_mails_on_a_record_page_are_mailto_links(client, rep_a):
    contact = create_contact(actor=rep_a, values={"last_name": "Rezaei", "emails": ["sara@example.com"]})
    client.force_login(rep_a)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert '<a href="mailto:sara@example.com" dir="ltr">sara@example.com</a>' in page
