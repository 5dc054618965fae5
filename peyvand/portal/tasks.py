"""Background jobs of the customer portal."""

from django.utils import translation
from django_tasks import task

from peyvand.portal import services


@task()
def send_sign_in_link(*, address: str, client: str, language: str) -> None:
    """The sign-in link asked for at ``/portal/``, in the language of the page it was asked on; nothing for an
    address that is no contact's."""
    with translation.override(language if language in ("fa", "en") else "fa"):
        services.send_link(address=address, client=client)
