"""How the API knows who is calling: a bearer token (``peyvand token USER``) or the signed-in browser session.

It lives with the tokens it reads; the project's API assembly (``peyvand/api.py``) passes it to the NinjaAPI, so
``core.rest`` (the generic routes) needs no account of its own.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from peyvand.accounts.permissions import TOKEN_READ_ONLY, can_write_with_token
from peyvand.accounts.services import token_for_key
from peyvand.core.errors import PeyvandError


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_for_key(token)
        if api_token is None:
            return None
        if not can_write_with_token(api_token, request.method):
            raise PeyvandError(
                TOKEN_READ_ONLY, _("This API token may only read; use a read-write token."), status=403
            )
        request.user = api_token.user
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser may call the API too (CSRF-checked, as Ninja does for session auth)."""


API_AUTH = [BearerAuth(), ActiveSessionAuth()]
