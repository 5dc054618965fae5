"""Writing to a customer from their record (an e-mail or an SMS), and the message templates people start from.

Thin views over ``services_compose``: the form is drawn in the record page's dialog when htmx asks for it, as a
page of its own otherwise; choosing a template redraws the form with the template filled in for the record.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peyvand.core import registry
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.core.links import linked_record, record_url
from peyvand.files.models import Attachment
from peyvand.messaging.models import Channel, OutboxStatus
from peyvand.messaging.models_templates import MessageTemplate, TemplateLanguage
from peyvand.messaging.services_compose import (
    can_manage_templates,
    can_write_to,
    delete_template,
    render_template,
    reply_draft,
    save_template,
    send_from_record,
    sending_mailboxes,
    suggested_recipients,
    templates_for,
)
from peyvand.web.forms import LocalDateTimeField, add_service_errors


class ComposeForm(forms.Form):
    template = forms.TypedChoiceField(label=gettext_lazy("Start from a template"), required=False, coerce=int)
    mailbox = forms.ChoiceField(label=gettext_lazy("From"), required=False)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    to = forms.CharField(label=gettext_lazy("To"), max_length=2000)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255, required=False)
    body = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"})
    )
    attachments = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Attach the record's files"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    send_at = LocalDateTimeField(
        label=gettext_lazy("Send later"),
        required=False,
        help_text=gettext_lazy("Leave empty to send now."),
    )

    def __init__(self, *args, channel: str, templates, files, mailboxes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == Channel.EMAIL:
            self.fields["mailbox"].choices = [
                ("", _("The system's address (tracked)")),
                *((str(m.pk), m.email_address) for m in mailboxes),
            ]
            if not mailboxes:
                # only the system's address: nothing to choose, and any other value is refused as a bad choice
                self.fields["mailbox"].widget = forms.HiddenInput()
        else:
            del self.fields["mailbox"]
        self.fields["template"].choices = [("", "—"), *((t.pk, t.name) for t in templates)]
        if channel == Channel.SMS:
            del self.fields["subject"]
            del self.fields["attachments"]
            self.fields["to"].label = _("To (phone numbers)")
        else:
            self.fields["to"].help_text = _("Several addresses: separate them with commas; each gets a copy.")
            self.fields["attachments"].choices = [(f.pk, f.name) for f in files]
            if not files:
                del self.fields["attachments"]
        self.fields["to"].widget.attrs["dir"] = "ltr"
        if "subject" in self.fields:
            self.fields["subject"].widget.attrs["dir"] = "auto"


def _in_dialog(request) -> bool:
    return bool(request.htmx and request.htmx.target == "quick-dialog-body")


@login_required
def compose_view(request, record_type: str, record_id: int, channel: str):
    """Write an e-mail or an SMS to the customer of a record the user may see."""
    try:
        record = linked_record(request.user, record_type, record_id)
    except NotFound:
        raise Http404 from None
    if channel not in Channel.values or not can_write_to(request.user, record):
        raise PermissionDenied
    kind = registry.get(record_type)
    templates = templates_for(
        request.user, record_type=record_type, channel=channel, language=(get_language() or "fa")[:2]
    )
    files = (
        list(
            Attachment.objects.filter(
                record_type=record_type, record_id=record.pk, deleted_at__isnull=True
            ).order_by("-uploaded_at", "-id")
        )
        if channel == Channel.EMAIL
        else []
    )
    mailboxes = sending_mailboxes(request.user) if channel == Channel.EMAIL else []
    own = next((m for m in mailboxes if m.owner_id == request.user.pk), None)
    initial: dict = {
        "to": ", ".join(suggested_recipients(record, channel)[:1]),
        "mailbox": str(own.pk) if own else "",
    }
    answering = request.GET.get("reply") or request.GET.get("forward")
    if request.method == "GET" and answering and channel == Channel.EMAIL:
        try:
            draft = reply_draft(actor=request.user, message_id=answering, forward="forward" in request.GET)
        except (NotFound, PeyvandError):
            raise Http404 from None
        initial.update({k: v for k, v in draft.items() if v is not None})
        initial["mailbox"] = str(draft["mailbox"] or "")
    chosen = request.GET.get("template")
    if request.method == "GET" and chosen:
        # The template picker redraws the form: keep what was typed in "To", fill the rest from the template.
        template = get_object_or_404(MessageTemplate, pk=chosen, active=True, channel=channel)
        initial["template"] = template.pk
        initial["to"] = request.GET.get("to", initial["to"])
        try:
            initial["subject"], initial["body"] = render_template(
                actor=request.user, template=template, record=record
            )
        except PeyvandError as exc:
            messages.error(request, str(exc.message))
    form = ComposeForm(
        request.POST or None,
        initial=initial,
        channel=channel,
        templates=templates,
        files=files,
        mailboxes=mailboxes,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = send_from_record(
                actor=request.user,
                record_type=record_type,
                record_id=record.pk,
                channel=channel,
                to=data["to"],
                subject=data.get("subject", ""),
                body=data["body"],
                attachment_ids=data.get("attachments") or [],
                send_at=data.get("send_at"),
                mailbox_id=data.get("mailbox") or None,
                reply_to_id=data.get("reply_to"),
            )
        except PeyvandError as exc:
            add_service_errors(form, exc)
        except Exception:
            # the message is kept in the outbox, failed or waiting for its next try; the outbox says why
            messages.warning(request, _("The message could not be sent now; see the outbox for why."))
            return _done(request, record_type, record.pk)
        else:
            queued = sum(1 for m in sent if m.status == OutboxStatus.QUEUED)
            if queued:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s message is waiting to be sent.",
                        "%(count)s messages are waiting to be sent.",
                        queued,
                    )
                    % {"count": queued},
                )
            else:
                messages.success(
                    request,
                    ngettext("%(count)s message sent.", "%(count)s messages sent.", len(sent))
                    % {"count": len(sent)},
                )
            return _done(request, record_type, record.pk)
    context = {
        "form": form,
        "record": record,
        "record_type": kind,
        "channel": channel,
        "action": request.path,
        "suggested": suggested_recipients(record, channel),
    }
    if _in_dialog(request):
        # htmx swaps only a 2xx answer into the dialog: the form with its errors comes back as 200 there
        return render(request, "messaging/compose/_form.html", context)
    return render(request, "messaging/compose/page.html", context, status=400 if form.errors else 200)


def _done(request, record_type: str, record_id: int):
    if _in_dialog(request):
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return HttpResponseRedirect(record_url(record_type, record_id) or reverse("home"))


# --- message templates (settings) -------------------------------------------------------------------------------


def _managers_only(user) -> None:
    if not can_manage_templates(user):
        raise PermissionDenied


MERGE_EXAMPLES = ("record.name", "contact.first_name", "company.name", "me.name")


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=TemplateLanguage.choices, required=False
    )
    record_type = forms.ChoiceField(label=gettext_lazy("Offered on"), required=False)
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"})
    )
    active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the merge fields are code, each in its own left-to-right isolate inside the sentence
        fields = format_html_join(
            "، " if (get_language() or "").startswith("fa") else ", ",
            '<bdi dir="ltr"><code>{}</code></bdi>',
            ((f"{{{{ {name} }}}}",) for name in MERGE_EXAMPLES),
        )
        self.fields["body"].help_text = format_html(
            escape(_("Merge fields: %(fields)s — any field of the record by its name.")).replace(
                "%(fields)s", "{}"
            ),
            fields,
        )
        kinds = [k for k in registry.record_types() if k.attachable and k.screen is not None]
        self.fields["record_type"].choices = [("", _("Any record")), *((k.name, k.label) for k in kinds)]


@login_required
def templates_view(request):
    _managers_only(request.user)
    return render(
        request,
        "messaging/templates/list.html",
        {
            "templates": [
                (t, kind.label if (kind := registry.find(t.record_type)) else None)
                for t in MessageTemplate.objects.all()
            ]
        },
    )


@login_required
def template_edit_view(request, pk: int | None = None):
    _managers_only(request.user)
    template = get_object_or_404(MessageTemplate, pk=pk) if pk else None
    initial = (
        {
            "name": template.name,
            "channel": template.channel,
            "language": template.language,
            "record_type": template.record_type,
            "subject": template.subject,
            "body": template.body,
            "active": template.active,
        }
        if template
        else {"active": True}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_template(actor=request.user, template=template, values=dict(form.cleaned_data))
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return HttpResponseRedirect(reverse("messaging-templates"))
    return render(
        request,
        "messaging/templates/form.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def template_delete_view(request, pk: int):
    _managers_only(request.user)
    template = get_object_or_404(MessageTemplate, pk=pk)
    delete_template(actor=request.user, template=template)
    messages.success(request, _("Template deleted."))
    return HttpResponseRedirect(reverse("messaging-templates"))
