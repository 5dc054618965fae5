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
