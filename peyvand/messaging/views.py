"""The outbox pages, the tracking endpoints and the unsubscribe page.

The tracking and unsubscribe endpoints are public by design: the recipient's mail program calls them and the
recipient is not a user. Their only credential is the signed token in the address; a token that is not ours is a
plain 404, never an error page, and they answer at once.
"""

import base64

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peyvand.core.errors import NotFound, PeyvandError, ValidationFailed
from peyvand.core.listing import as_date, paginate
from peyvand.messaging import consent, permissions, selectors, services, tracking
from peyvand.messaging.models import Channel, EventKind, OutboxStatus
from peyvand.messaging.models_consent import MessagingSettings, Topic

# The smallest transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# --- tracking ---------------------------------------------------------------------------------------------------


@never_cache
@require_GET
def open_view(request, token: str):
    if (
        tracking.record_open(token, user_agent=request.headers.get("User-Agent", ""), at=timezone.now())
        is None
    ):
        raise Http404
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
@require_GET
def click_view(request, token: str):
    url = tracking.record_click(token, user_agent=request.headers.get("User-Agent", ""), at=timezone.now())
    if url is None:
        raise Http404
    return HttpResponseRedirect(url)


# --- unsubscribe ------------------------------------------------------------------------------------------------


@never_cache
@csrf_exempt  # the signed token is the credential; RFC 8058 mail programs post without a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    try:
        value = consent.read_unsubscribe_token(token)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        consent.unsubscribe(token)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)  # a mail program's one-click post: no page
        done = True
    else:
        done = False
    return render(
        request,
        "messaging/unsubscribe.html",
        {"address": value["a"], "topic": consent.topic_label(value.get("t") or ""), "done": done},
    )


# --- the outbox pages -------------------------------------------------------------------------------------------


def _filters(request) -> tuple[dict, dict, dict[str, str]]:
    params = {k: request.GET.get(k, "").strip() for k in ("channel", "status", "since", "until")}
    kwargs: dict = {}
    errors: dict[str, str] = {}
    if params["channel"] in Channel.values:
        kwargs["channel"] = params["channel"]
    if params["status"] in OutboxStatus.values:
        kwargs["status"] = params["status"]
    for name in ("since", "until"):
        if params[name]:
            try:
                kwargs[name] = as_date(params[name])
            except ValueError:
                errors[name] = _("Type a date such as 1405-09-17 or 2026-12-08.")
    return params, kwargs, errors


@login_required
@require_GET
def outbox_view(request):
    if not permissions.can_see_outbox(request.user):
        return HttpResponseForbidden()
    params, kwargs, errors = _filters(request)
    rows = selectors.outbox_list(request.user, **kwargs)
    try:
        page = paginate(rows, request.GET.get("page"), None)
    except ValidationFailed:
        page = paginate(rows)
    return render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "params": params,
            "errors": errors,
            "channels": Channel.choices,
            "statuses": OutboxStatus.choices,
            "failed": OutboxStatus.FAILED,
        },
    )


def _visible_message(user, pk: int):
    message = selectors.outbox_for(user).select_related("created_by").filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


@login_required
@require_GET
def message_view(request, pk: int):
    message = _visible_message(request.user, pk)
    events = selectors.events_of(message)
    opens = [e for e in events if e.kind == EventKind.OPENED]
    from peyvand.core.links import record_url

    return render(
        request,
        "messaging/message.html",
        {
            "message": message,
            "events": events,
            "first_open": opens[0] if opens else None,
            "proxy_opens": sum(1 for e in opens if e.detail.get("proxy")),
            "can_retry": permissions.can_retry(request.user, message),
            "topic_label": consent.topic_label(message.topic) if message.topic else "",
            "record_url": record_url(message.record_type, message.record_id) if message.record_id else "",
        },
    )


@login_required
@require_POST
def retry_view(request, pk: int | None = None):
    ids = [pk] if pk else [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    try:
        services.retry(actor=request.user, message_ids=ids)
    except PeyvandError:
        if pk:
            _visible_message(request.user, pk)  # a message the user may not see is not found
            return HttpResponseForbidden(_("This message cannot be retried."))
    return HttpResponseRedirect(reverse("outbox-message", args=[pk]) if pk else reverse("outbox"))


# --- settings and consent ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    if not permissions.can_change_tracking(request.user):
        return HttpResponseForbidden()
    row = MessagingSettings.current()
    saved = False
    if request.method == "POST":
        services.change_settings(
            actor=request.user, tracking_enabled=request.POST.get("tracking_enabled") == "on"
        )
        row, saved = MessagingSettings.current(), True
    return render(request, "messaging/settings.html", {"row": row, "saved": saved})


@login_required
@require_POST
def consent_view(request, contact_id: int):
    values = request.POST
    try:
        if values.get("action") == "opt_in":
            consent.opt_in(
                actor=request.user,
                contact_id=contact_id,
                channel=values.get("channel", ""),
                address=values.get("address", ""),
                topic=values.get("topic", ""),
            )
        else:
            consent.opt_out(
                actor=request.user,
                contact_id=contact_id,
                channel=values.get("channel", ""),
                address=values.get("address", ""),
                topic=values.get("topic", ""),
            )
    except NotFound:
        raise Http404 from None
    except PeyvandError as exc:
        return HttpResponse(str(exc.message), status=400)
    from peyvand.core.links import record_url

    return HttpResponseRedirect(record_url("contact", contact_id) + "#consent")


TOPICS = Topic.choices
