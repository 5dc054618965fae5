from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peyvand.activities.api import ACTIVITIES
from peyvand.activities.models import Activity, ActivityKind
from peyvand.activities.services import complete_activity
from peyvand.core.errors import PeyvandError
from peyvand.web.filters import choices_filter, owner_filter
from peyvand.web.forms import RecordForm
from peyvand.web.screens import Screen


class ActivityForm(RecordForm):
    model = Activity
    field_names = (
        "kind",
        "subject",
        "due_at",
        "duration_minutes",
        "outcome",
        "notes",
        "contact",
        "company",
        "deal",
        "lead",
        "owner",
    )


ACTIVITY_SCREEN = Screen(
    resource=ACTIVITIES,
    form_class=ActivityForm,
    columns=("kind", "subject", "due_at", "done_at", "contact", "deal", "owner"),
    extra_fields=("done_at",),
    filters=(
        owner_filter(),
        choices_filter("kind", gettext_lazy("Kind"), ActivityKind.choices),
        choices_filter(
            "open", gettext_lazy("Done?"), [("true", gettext_lazy("Open")), ("false", gettext_lazy("Done"))]
        ),
    ),
    initial_from_request=("contact", "company", "deal", "lead", "kind"),
)


@login_required
@require_POST
def done_view(request, pk: int):
    activity = ACTIVITIES.get(request, pk)
    try:
        complete_activity(
            actor=request.user,
            activity=activity,
            version=int(request.POST.get("version", 0)),
            outcome=request.POST.get("outcome", ""),
        )
        messages.success(request, _("Marked as done."))
    except PeyvandError as exc:
        messages.error(request, str(exc.message))
    target = request.POST.get("next") or reverse("activities:detail", args=[pk])
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("activities:detail", args=[pk])
    return HttpResponseRedirect(target)
