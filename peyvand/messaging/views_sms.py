"""The SMS gateway's settings page (administrators) and the gateway's webhooks (public, authenticated by the
secret in their address). Thin: parse, call ``services_sms``, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from peyvand.core.errors import PeyvandError
from peyvand.messaging import services_sms
from peyvand.messaging.models_sms import SmsGateway, SmsProvider
from peyvand.messaging.permissions_sms import can_manage_sms
from peyvand.messaging.sms.base import NotSupported, WebhookRequest
from peyvand.web.forms import add_service_errors

LTR = {"dir": "ltr"}
# The provider's options the form offers, in its order; the generic gateway's describe its HTTP call.
OPTION_FIELDS = (
    "username",
    "url",
    "method",
    "body",
    "content_type",
    "auth_header",
    "number_format",
    "id_path",
    "id_regex",
)


class GatewayForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Gateway"), choices=SmsProvider.choices)
    sender = forms.CharField(
        label=gettext_lazy("Sender line"), max_length=30, required=False, widget=forms.TextInput(attrs=LTR)
    )
    api_key = forms.CharField(
        label=gettext_lazy("API key"),
        required=False,
        widget=forms.PasswordInput(attrs={"dir": "ltr", "autocomplete": "new-password"}),
        help_text=gettext_lazy("For Melipayamak, the panel's password."),
    )
    per_minute = forms.IntegerField(
        label=gettext_lazy("Messages per minute"),
        min_value=1,
        initial=60,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    username = forms.CharField(
        label=gettext_lazy("User name (Melipayamak)"), required=False, widget=forms.TextInput(attrs=LTR)
    )
    url = forms.CharField(
        label=gettext_lazy("Address template (other gateway)"),
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[
            ("GET", gettext_lazy("Values in the address (GET)")),
            ("POST", gettext_lazy("Values in the body (POST)")),
        ],
        required=False,
    )
    body = forms.CharField(
        label=gettext_lazy("Body template"),
        required=False,
        widget=forms.Textarea(attrs={"dir": "ltr", "rows": 3}),
    )
    content_type = forms.CharField(
        label=gettext_lazy("Body type"), required=False, widget=forms.TextInput(attrs=LTR)
    )
    auth_header = forms.CharField(
        label=gettext_lazy("Authentication header"),
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )
    number_format = forms.ChoiceField(
        label=gettext_lazy("Number format"),
        required=False,
        choices=[
            ("national", gettext_lazy("National (09121234567)")),
            ("e164", gettext_lazy("International (+989121234567)")),
            ("digits", gettext_lazy("Digits only (989121234567)")),
        ],
    )
    id_path = forms.CharField(
        label=gettext_lazy("Message id in the answer (JSON path)"),
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )
    id_regex = forms.CharField(
        label=gettext_lazy("Message id in the answer (regular expression)"),
        required=False,
        widget=forms.TextInput(attrs=LTR),
    )

    def __init__(self, *args, key_set: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Placeholders and header names are code, the same in every language: isolated from the sentence.
        self.fields["url"].help_text = format_html(
            '{} <bdi dir="ltr"><code>{{to}} {{text}} {{sender}} {{key}}</code></bdi>',
            _("Where the values go:"),
        )
        self.fields["auth_header"].help_text = format_html(
            '{} <bdi dir="ltr"><code>Authorization: Bearer {{key}}</code></bdi>', _("For example")
        )
        if key_set:
            # The key is never sent back to the browser: the field only says one is kept.
            self.fields["api_key"].widget.attrs["placeholder"] = _(
                "A key is set — type a new one to replace it"
            )


class TestForm(forms.Form):
    to = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )


def _admins_only(user) -> None:
    if not can_manage_sms(user):
        raise PermissionDenied


def _initial(gateway: SmsGateway | None) -> dict:
    if gateway is None:
        return {"active": True, "per_minute": 60, "method": "GET", "number_format": "national"}
    initial = {
        "provider": gateway.provider,
        "sender": gateway.sender,
        "per_minute": gateway.per_minute,
        "active": gateway.active,
    }
    initial.update({k: v for k, v in (gateway.options or {}).items() if k in OPTION_FIELDS})
    return initial


@login_required
def settings_view(request):
    """The gateway's form, its webhook addresses and a form to send a test message."""
    _admins_only(request.user)
    gateway = SmsGateway.objects.order_by("pk").first()
    form = GatewayForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(gateway),
        key_set=bool(gateway and gateway.api_key),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Options the form does not show (a test's base address) are kept as they were.
        options = {
            k: v for k, v in ((gateway.options or {}) if gateway else {}).items() if k not in OPTION_FIELDS
        }
        options.update({k: data.get(k) or "" for k in OPTION_FIELDS})
        try:
            services_sms.save_gateway(
                actor=request.user,
                gateway=gateway,
                provider=data["provider"],
                sender=data["sender"],
                api_key=data["api_key"] or None,
                options=options,
                active=data["active"],
                per_minute=data["per_minute"],
            )
        except PeyvandError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The SMS gateway is saved."))
            return redirect("sms-settings")
    return _render(request, gateway, form, status=400 if request.method == "POST" else 200)


def _render(request, gateway: SmsGateway | None, form: GatewayForm, webhook: dict | None = None, status=200):
    return render(
        request,
        "messaging/sms/settings.html",
        {
            "gateway": gateway,
            "form": form,
            "test_form": TestForm(auto_id="id_test_%s"),
            "env_gateway": services_sms.configured_gateway() if gateway is None else None,
            "webhook": webhook,
        },
        status=status,
    )


@login_required
@require_POST
def token_view(request):
    """New webhook addresses for the saved gateway, shown once."""
    _admins_only(request.user)
    gateway = SmsGateway.objects.order_by("pk").first()
    if gateway is None:
        raise Http404
    token = services_sms.new_webhook_token(actor=request.user, gateway=gateway)
    # Answered on this page, not after a redirect, so the secret is never kept anywhere but in the hash.
    form = GatewayForm(initial=_initial(gateway), key_set=bool(gateway.api_key))
    return _render(request, gateway, form, webhook_urls(request, gateway, token))


@login_required
@require_POST
def test_view(request):
    _admins_only(request.user)
    form = TestForm(request.POST, auto_id="id_test_%s")
    if not form.is_valid():
        messages.error(request, _("Give a valid mobile number."))
        return redirect(reverse("sms-settings") + "#test")
    try:
        message = services_sms.send_test(actor=request.user, to=form.cleaned_data["to"])
    except PeyvandError as error:
        messages.error(request, str(error.message))
    else:
        if message.status == "sent":
            messages.success(request, _("The test message was handed to the gateway."))
        else:
            messages.warning(
                request,
                _("The test message is waiting: %(reason)s")
                % {"reason": message.error or message.get_status_display()},
            )
    return redirect(reverse("sms-settings") + "#test")


def _webhook_request(request) -> WebhookRequest:
    # Gateways post urlencoded or multipart forms, or call with a query string; Django reads all of them.
    body = request.body  # read first: Django parses the form from it afterwards
    params = {**request.GET.dict(), **(request.POST.dict() if request.method == "POST" else {})}
    webhook = WebhookRequest(method=request.method, params=params, body=body)
    data = webhook.json() if "json" in (request.content_type or "") else None
    if isinstance(data, dict):
        params.update({str(k): str(v) for k, v in data.items() if isinstance(v, str | int | float)})
    return webhook


@csrf_exempt
def delivery_webhook_view(request, gateway_id: int, token: str):
    """A gateway reports what became of a message; public, the secret in the address is the authentication."""
    gateway = services_sms.gateway_for_webhook(gateway_id, token)
    if gateway is None or request.method not in ("GET", "POST"):
        raise Http404
    try:
        reports = services_sms.client_for(gateway).parse_delivery_webhook(_webhook_request(request))
    except NotSupported as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    applied = services_sms.apply_reports(gateway, reports)
    return JsonResponse({"ok": True, "applied": applied})


@csrf_exempt
def inbound_webhook_view(request, gateway_id: int, token: str):
    """A gateway forwards a text message a customer sent to our line."""
    gateway = services_sms.gateway_for_webhook(gateway_id, token)
    if gateway is None or request.method not in ("GET", "POST"):
        raise Http404
    try:
        received = services_sms.client_for(gateway).parse_inbound_webhook(_webhook_request(request))
    except NotSupported as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    kept = services_sms.receive(gateway, received)
    return JsonResponse({"ok": True, "kept": len(kept)})


def webhook_urls(request, gateway: SmsGateway, token: str) -> dict[str, str]:
    return {
        kind: request.build_absolute_uri(reverse(f"sms-webhook-{kind}", args=[gateway.pk, token]))
        for kind in ("delivery", "inbound")
    }
