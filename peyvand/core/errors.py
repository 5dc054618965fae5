"""One error type for every rule a service enforces; the API and the UI turn it into their own form."""

from typing import Any


class PeyvandError(Exception):
    """A refused operation with a stable code (``deal.stale_version``) and a translatable message."""

    status = 400

    def __init__(
        self,
        code: str,
        message: Any,
        *,
        field: str | None = None,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        self.errors = (
            errors if errors is not None else ([{"field": field, "message": str(message)}] if field else [])
        )
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body = {
            "detail": str(self.message),
            "code": self.code,
            "errors": [{"field": e["field"], "message": str(e["message"])} for e in self.errors],
        }
        body.update(self.extra)
        return body


class NotFound(PeyvandError):
    status = 404

    def __init__(self, message: Any = None):
        from django.utils.translation import gettext as _

        super().__init__("not_found", message or _("Not found."))


class ValidationFailed(PeyvandError):
    status = 422

    def __init__(self, errors: list[dict[str, Any]]):
        from django.utils.translation import gettext as _

        super().__init__("validation", _("Some values are not valid."), errors=errors)


class StaleVersion(PeyvandError):
    status = 409

    def __init__(self, *, current_version: int, changes: dict[str, Any]):
        from django.utils.translation import gettext as _

        super().__init__(
            "stale_version",
            _("This record was changed by someone else since you opened it. Nothing was saved."),
            extra={"current_version": current_version, "changed_since": changes},
        )


class DuplicateRefusal(PeyvandError):
    """A create refused because the record looks like others the actor can see.

    ``candidates`` are objects with ``record``, ``score``, ``reasons`` and ``url``: a form shows them and offers to
    save anyway. The app that finds duplicates raises a subclass; the UI shell knows only this one.
    """

    status = 409
    candidates: list[Any] = []


def _error_messages() -> dict[int, tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    return {
        400: ("bad_request", _("The request could not be read.")),
        401: ("unauthorized", _("Sign in or send a valid API token.")),
        403: ("forbidden", _("You may not do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This address does not take this method.")),
        413: ("request.too_large", _("The request body is too large.")),
        414: ("request.uri_too_long", _("The address is too long; send fewer or shorter query parameters.")),
        500: ("server_error", _("Something went wrong on the server; it has been logged.")),
    }


def api_error_code(status: int) -> str:
    return _error_messages().get(status, (f"http_{status}", ""))[0]


def api_error_response(status: int):
    """The API's JSON error for an HTTP status given by Django or the server rather than by a rule of ours."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    code, message = _error_messages().get(status, (f"http_{status}", _("The request failed.")))
    return JsonResponse({"detail": str(message), "code": code, "errors": []}, status=status)
