"""What every REST resource shares: bearer auth, the error format, and list/read/write/delete/audit routes.

Each app declares a ``Resource`` (its model, visibility selector, list spec, services and schemas) and gets the
same endpoints with the same rules; endpoints of its own (moves, conversions) sit beside them in its api.py.
"""

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import create_model

from peyvand.accounts.permissions import TOKEN_READ_ONLY, can_write_with_token
from peyvand.accounts.services import token_for_key
from peyvand.core.audit import audit_for
from peyvand.core.errors import PeyvandError
from peyvand.core.listing import MAX_PAGE, ListSpec, apply_list_params, paginate
from peyvand.core.permissions import can_see_deleted
from peyvand.core.records import delete_record, get_visible, restore_record


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


def _field_from_loc(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


def install_error_handlers(api) -> None:
    @api.exception_handler(PeyvandError)
    def peyvand_error(request, exc: PeyvandError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        errors = [
            {"field": _field_from_loc(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
        ]
        return api.create_response(
            request,
            {"detail": _("Some values are not valid."), "code": "validation", "errors": errors},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request,
            {"detail": _("Sign in or send a valid API token."), "code": "unauthorized", "errors": []},
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"detail": _("Not found."), "code": "not_found", "errors": []}, status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request, {"detail": str(exc), "code": "http", "errors": []}, status=exc.status_code
        )


def csrf_failure(request, reason=""):
    """CSRF refusals: JSON under /api/ (a signed-in browser calling the API), Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.csrf import csrf_failure as default_failure

    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("CSRF check failed; send the X-CSRFToken header or use a bearer token."),
                "code": "csrf",
                "errors": [],
            },
            status=403,
        )
    return default_failure(request, reason=reason)


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem]


class StaleOut(ErrorOut):
    current_version: int
    changed_since: dict[str, list[Any]]


class LikelyDuplicateOut(Schema):
    id: int
    entity: str
    name: str
    score: int
    reasons: list[str]


class DuplicateRefusalOut(ErrorOut):
    candidates: list[LikelyDuplicateOut]


# A 409 is either a stale version (with the current version and what changed) or another conflict of state
# (a pipeline that still has deals, a lead already converted, a deleted record).
ConflictOut = StaleOut | ErrorOut


def responses(ok: dict, *errors: int) -> dict:
    """A route's documented answers: its own, plus what every route may give (malformed body, no valid
    token, a browser session's failed CSRF check, a body or query over the limits, invalid values)."""
    answers = {**ok, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 414: ErrorOut, 422: ErrorOut}
    for code in errors:
        answers.setdefault(code, ConflictOut if code == 409 else ErrorOut)
    return answers


class AuditOut(Schema):
    id: int
    action: str
    actor_id: int | None
    actor: str | None
    at: dt.datetime
    version: int
    changes: dict[str, Any]
    note: str

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor else None


class VersionIn(Schema):
    version: int | None = None


@dataclass(frozen=True)
class Resource:
    name: str
    model: type
    visible: Callable[[Any], QuerySet]
    list_spec: ListSpec
    create: Callable[..., Any]  # create(*, actor, values)
    update_service: Callable[..., Any]  # update_<model>(*, actor, <model>, version, values)
    schema_in: type[Schema]
    schema_patch: type[Schema]
    schema_out: type[Schema]

    def update(self, *, actor, instance, version: int | None, values: dict[str, Any]):
        return self.update_service(
            actor=actor, **{self.model._meta.model_name: instance}, version=version, values=values
        )

    def get(self, request: HttpRequest, pk: int, *, include_deleted: bool = False):
        if include_deleted:
            return get_visible(self.model, pk, request.user, include_deleted=True)
        try:
            return self.visible(request.user).get(pk=pk)
        except self.model.DoesNotExist:
            raise Http404 from None

    def list(self, request: HttpRequest, params: dict[str, Any]):
        queryset = self.visible(request.user)
        if params.get("deleted") in ("1", "true") and can_see_deleted(request.user):
            queryset = self.model.all_objects.visible_to(request.user).filter(deleted_at__isnull=False)
        return apply_list_params(queryset, self.list_spec, params)


def ordering_choices(spec: ListSpec):
    """The allow-listed sort fields, each ascending or descending, as a type the OpenAPI document lists."""
    return Literal[tuple(f"{sign}{name}" for name in spec.ordering for sign in ("", "-"))]


def add_crud_routes(router: Router, res: Resource) -> None:
    """List, create, read, update (PATCH with version), delete, restore and audit for one resource."""
    out, schema_in, schema_patch = res.schema_out, res.schema_in, res.schema_patch
    list_out = create_model(
        f"{res.model.__name__}List", __base__=Schema, items=(list[out], ...), count=(int, ...)
    )
    tag = res.name
    ordering_type = ordering_choices(res.list_spec)

    @router.get(
        "",
        response=responses({200: list_out}),
        tags=[tag],
        operation_id=f"{res.name}_list",
        summary=f"List {res.name}",
        description=(
            "Filters (query parameters; any other is refused with 422): "
            + ", ".join(f"`{name}`" for name in res.list_spec.filters)
            + ", and `cf_<key>` for custom fields."
        ),
    )
    def list_records(
        request,
        page: int = Query(1, ge=1, le=MAX_PAGE),
        page_size: int = Query(settings.PEYVAND_PAGE_SIZE, ge=1, le=settings.PEYVAND_MAX_PAGE_SIZE),
        ordering: ordering_type | None = None,
        search: str | None = Query(None, max_length=200),
    ):
        page_obj = paginate(res.list(request, request.GET.dict()), page, page_size)
        return {"items": page_obj.items, "count": page_obj.count}

    # Services that look for duplicates take allow_duplicate; the others never refuse with "duplicate".
    checks_duplicates = "allow_duplicate" in inspect.signature(res.create).parameters

    @router.post(
        "",
        response=responses({201: out, 409: DuplicateRefusalOut}, 403),
        tags=[tag],
        operation_id=f"{res.name}_create",
        summary=f"Create one of {res.name}",
    )
    def create_one(request, payload: schema_in, allow_duplicate: bool = False):
        """409 with ``code: "duplicate"`` lists the likely duplicates you can see; send ``allow_duplicate=true``
        to create the record anyway."""
        extra = {"allow_duplicate": allow_duplicate} if checks_duplicates else {}
        record = res.create(actor=request.user, values=payload.model_dump(), **extra)
        return Status(201, res.get(request, record.pk))

    @router.get(
        "/{int:pk}",
        response=responses({200: out}, 404),
        tags=[tag],
        operation_id=f"{res.name}_read",
        summary=f"Read one of {res.name}",
    )
    def read_one(request, pk: int):
        return res.get(request, pk)

    @router.patch(
        "/{int:pk}",
        response=responses({200: out}, 403, 404, 409),
        tags=[tag],
        operation_id=f"{res.name}_update",
        summary=f"Change one of {res.name}",
    )
    def update_one(request, pk: int, payload: schema_patch):
        values = payload.model_dump(exclude_unset=True)
        version = values.pop("version", None)
        record = res.update(actor=request.user, instance=res.get(request, pk), version=version, values=values)
        return res.get(request, record.pk)

    @router.delete(
        "/{int:pk}",
        response=responses({204: None}, 404, 409),
        tags=[tag],
        operation_id=f"{res.name}_delete",
        summary=f"Delete one of {res.name} (soft; an admin can restore it)",
    )
    def delete_one(request, pk: int, version: int | None = None):
        delete_record(res.get(request, pk), actor=request.user, version=version)
        return Status(204, None)

    @router.post(
        "/{int:pk}/restore",
        response=responses({200: out}, 403, 404),
        tags=[tag],
        operation_id=f"{res.name}_restore",
        summary=f"Restore a deleted one of {res.name}",
    )
    def restore_one(request, pk: int):
        restore_record(res.get(request, pk, include_deleted=True), actor=request.user)
        return res.get(request, pk)

    @router.get(
        "/{int:pk}/audit",
        response=responses({200: list[AuditOut]}, 404),
        tags=[tag],
        operation_id=f"{res.name}_audit",
        summary=f"Audit trail of one of {res.name}",
    )
    def audit_one(request, pk: int):
        return list(audit_for(res.get(request, pk, include_deleted=True))[:500])
