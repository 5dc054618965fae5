"""The customer's survey page, ``/survey/<token>/``: no sign-in, the token from the e-mail is the only credential.

A wrong token is 404; a link past its time answers 410 and says so; an answered survey thanks the customer and
refuses a second answer kindly (409). The page is in the ticket's language unless ``?lang=`` chooses, and works
without script (a plain form with its CSRF token). Answers are counted per survey and address like the quote
page's, so a flood cannot fill the analytics.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from peyvand.core import ratelimit
from peyvand.core.clientip import client_address
from peyvand.core.errors import PeyvandError
from peyvand.service import services_surveys

# Answers one address may post on one survey per window: a customer needs one or two (a mistyped field).
ANSWER_LIMIT = 5
ANSWER_WINDOW = 60 * 60
CSAT_LABELS = {
    1: gettext_lazy("Very dissatisfied"),
    2: gettext_lazy("Dissatisfied"),
    3: gettext_lazy("Neutral"),
    4: gettext_lazy("Satisfied"),
    5: gettext_lazy("Very satisfied"),
}


def _answer_allowed(survey, address: str) -> bool:
    return ratelimit.allowed(f"peyvand:survey-answers:{survey.pk}:{address}", ANSWER_LIMIT, ANSWER_WINDOW)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def survey_view(request, token: str):
    survey = services_surveys.survey_for_token(token)
    if survey is None:
        raise Http404
    chosen = request.GET.get("lang")
    language = chosen if chosen in ("fa", "en") else survey.language
    with translation.override(language):
        request.LANGUAGE_CODE = language
        return _page(request, survey, language)


def _page(request, survey, language: str):
    errors: dict[str, str] = {}
    status = 200
    state = "answered" if survey.answered else "expired" if services_surveys.is_expired(survey) else "open"
    if request.method == "POST" and state == "answered":
        errors = {"form": _("You have already answered this survey. Thank you!")}
        status = 409
    elif request.method == "POST" and state == "expired":
        status = 410
    elif request.method == "POST" and not _answer_allowed(survey, client_address(request) or "unknown"):
        errors = {"form": _("Too many answers from your address; try again in an hour.")}
        status = 429
    elif request.method == "POST":
        try:
            survey = services_surveys.answer_survey(survey=survey, values=request.POST.dict())
            state = "thanks"
        except PeyvandError as exc:
            if exc.code == services_surveys.ANSWERED:
                state, status = "answered", 409
            elif exc.code == services_surveys.EXPIRED:
                state, status = "expired", 410
            else:
                status = 422
            errors = {str(e.get("field") or "form"): str(e["message"]) for e in exc.errors} or {
                "form": str(exc.message)
            }
    elif state == "expired":
        status = 410
    return render(
        request,
        "service/survey/public.html",
        {
            "survey": survey,
            "ticket": survey.ticket,
            "state": state,
            "errors": errors,
            "typed": request.POST if errors else {},
            "csat_choices": list(CSAT_LABELS.items()),
            "nps_choices": list(range(11)),
            "language": language,
            "other_language": "en" if language == "fa" else "fa",
        },
        status=status,
    )
