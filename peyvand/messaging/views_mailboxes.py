"""Pages of mailboxes: "My mailboxes" (list, connect, change, test, sync now, disconnect) in the settings, and one
e-mail with its thread. Thin: parse, call ``services_mailboxes``, render; reads go through
``selectors_mailboxes``, which check the same rights again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.accounts.models import Team, User
from peyvand.core import jalali
from peyvand.core.errors import PeyvandError
from peyvand.messaging import permissions_mailboxes as permissions
from peyvand.messaging import selectors_mailboxes as selectors
from peyvand.messaging import services_mailboxes as services
from peyvand.messaging.models_mailboxes import Privacy, Security
from peyvand.web.forms import add_service_errors

LTR = {"dir": "ltr", "autocomplete": "off"}
NUMBER = {"dir": "ltr", "inputmode": "numeric"}
PASSWORD_SET = gettext_lazy("A password is set and never shown; type a new one to replace it.")


class MailboxForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    email_address = forms.CharField(
        label=gettext_lazy("E-mail address"), max_length=254, widget=forms.TextInput(attrs=LTR)
    )
    imap_host = forms.CharField(
        label=gettext_lazy("IMAP server"), max_length=253, widget=forms.TextInput(attrs=LTR)
    )
    imap_port = forms.CharField(
        label=gettext_lazy("IMAP port"), initial="993", widget=forms.TextInput(attrs=NUMBER)
    )
    imap_security = forms.ChoiceField(label=gettext_lazy("IMAP security"), choices=Security.choices)
    imap_user = forms.CharField(
        label=gettext_lazy("IMAP user name"),
        required=False,
        help_text=gettext_lazy("Empty: the e-mail address."),
        widget=forms.TextInput(attrs=LTR),
    )
    imap_password = forms.CharField(
        label=gettext_lazy("IMAP password"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(attrs={"dir": "ltr", "autocomplete": "new-password"}, render_value=False),
    )
    smtp_host = forms.CharField(
        label=gettext_lazy("SMTP server"),
        required=False,
        help_text=gettext_lazy(
            "For sending through this mailbox; empty: the system's own mail server sends."
        ),
        widget=forms.TextInput(attrs=LTR),
    )
    smtp_port = forms.CharField(
        label=gettext_lazy("SMTP port"), initial="465", widget=forms.TextInput(attrs=NUMBER)
    )
    smtp_security = forms.ChoiceField(label=gettext_lazy("SMTP security"), choices=Security.choices)
    smtp_user = forms.CharField(
        label=gettext_lazy("SMTP user name"),
        required=False,
        help_text=gettext_lazy("Empty: the IMAP user name."),
        widget=forms.TextInput(attrs=LTR),
    )
    smtp_password = forms.CharField(
        label=gettext_lazy("SMTP password"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Empty: the IMAP password."),
        widget=forms.PasswordInput(attrs={"dir": "ltr", "autocomplete": "new-password"}, render_value=False),
    )
    folders = forms.CharField(
        label=gettext_lazy("Folders to read"),
        initial="INBOX, Sent",
        help_text=gettext_lazy("Separated by commas, as the server names them."),
        widget=forms.TextInput(attrs=LTR),
    )
    # Radio buttons: the choices are sentences, which a select would not wrap on a phone.
    privacy = forms.ChoiceField(
        label=gettext_lazy("Who sees this mailbox's mail on records"),
        choices=Privacy.choices,
        initial=Privacy.METADATA,
        widget=forms.RadioSelect,
    )
    leads_from_unknown = forms.BooleanField(
        label=gettext_lazy("Create a lead from unknown senders"), required=False
    )
    active = forms.BooleanField(label=gettext_lazy("Read new mail"), required=False, initial=True)

    def __init__(self, *args, mailbox=None, shared=False, **kwargs):
        super().__init__(*args, **kwargs)
        if mailbox is not None:
            for name in ("imap_password", "smtp_password"):
                if getattr(mailbox, name):
                    self.fields[name].help_text = PASSWORD_SET
        if shared:
            # A shared mailbox's mail is read by its people and shown in full on its records.
            del self.fields["privacy"]
            self.fields["members"] = forms.ModelMultipleChoiceField(
                label=gettext_lazy("Members"),
                queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["teams"] = forms.ModelMultipleChoiceField(
                label=gettext_lazy("Teams"),
                queryset=Team.objects.order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


def _initial(mailbox) -> dict:
    initial = {name: getattr(mailbox, name) for name in MailboxForm.base_fields if "password" not in name}
    initial["folders"] = ", ".join(mailbox.folders or [])
    initial["members"] = [u.pk for u in mailbox.members.all()]
    initial["teams"] = [t.pk for t in mailbox.teams.all()]
    return initial


@login_required
def mailboxes_view(request):
    """The user's own mailboxes and, for an administrator, the shared ones."""
    if not permissions.can_open_mailboxes(request.user):
        raise PermissionDenied
    return render(
        request,
        "messaging/mailboxes/list.html",
        {
            "mailboxes": selectors.managed_mailboxes(request.user),
            "may_share": permissions.can_manage_shared(request.user),
        },
    )


@login_required
def mailbox_view(request, pk: int | None = None):
    """Connect a mailbox (no pk; ``?shared=1`` for a shared one) or change one."""
    if not permissions.can_open_mailboxes(request.user):
        raise PermissionDenied
    mailbox = selectors.managed_mailbox(request.user, pk) if pk else None
    shared = mailbox.shared if mailbox else request.GET.get("shared") == "1"
    if shared and not permissions.can_manage_shared(request.user):
        raise PermissionDenied
    form = MailboxForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(mailbox) if mailbox else None,
        mailbox=mailbox,
        shared=shared,
    )
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "shared": shared}
        try:
            saved = services.save_mailbox(actor=request.user, mailbox=mailbox, values=values)
        except PeyvandError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("messaging-mailbox", args=[saved.pk]))
    return render(
        request,
        "messaging/mailboxes/form.html",
        {"form": form, "mailbox": mailbox, "shared": shared},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def mailbox_test_view(request, pk: int):
    mailbox = selectors.managed_mailbox(request.user, pk)
    try:
        folders = services.check_connection(actor=request.user, mailbox=mailbox)
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Signed in. The server's folders: %(folders)s") % {"folders": "، ".join(folders)}
        )
    return HttpResponseRedirect(reverse("messaging-mailbox", args=[mailbox.pk]))


@login_required
@require_POST
def mailbox_sync_view(request, pk: int):
    mailbox = selectors.managed_mailbox(request.user, pk)
    result = services.sync_now(actor=request.user, mailbox=mailbox)
    if result is None:
        messages.error(
            request, _("The mailbox could not be read: %(reason)s") % {"reason": _(mailbox.last_error)}
        )
    else:
        count = jalali.persian_digits(result.stored) if jalali.uses_jalali() else str(result.stored)
        messages.success(request, _("New messages kept: %(count)s") % {"count": count})
    return HttpResponseRedirect(reverse("messaging-mailbox", args=[mailbox.pk]))


@login_required
@require_POST
def mailbox_delete_view(request, pk: int):
    services.disconnect_mailbox(actor=request.user, mailbox=selectors.managed_mailbox(request.user, pk))
    messages.success(request, _("The mailbox is disconnected."))
    return HttpResponseRedirect(reverse("messaging-mailboxes"))


@login_required
def message_view(request, pk: int):
    """One e-mail with its thread, for whoever may open it (``selectors_mailboxes.message_for``)."""
    message = selectors.message_for(request.user, pk)
    return render(
        request,
        "messaging/mailboxes/message.html",
        {
            "message": message,
            "thread": selectors.thread_of(request.user, message),
            "links": selectors.links_of(request.user, message),
        },
    )


@login_required
def message_file_view(request, pk: int, index: int):
    """A file that came with an e-mail, for whoever may read the message's body; always a download."""
    message = selectors.message_for(request.user, pk)
    files = message.attachments or []
    if not message.body_visible or not 0 <= index < len(files) or not files[index].get("path"):
        raise Http404
    item = files[index]
    response = FileResponse(
        default_storage.open(item["path"], "rb"),
        as_attachment=True,
        filename=item["name"] or "attachment",
        content_type=item["content_type"] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
