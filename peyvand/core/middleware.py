from django.conf import settings


class DefaultLanguageMiddleware:
    """Pages are Persian unless the user chose otherwise: a browser's Accept-Language alone does not switch
    them. API clients choose with Accept-Language, as HTTP intends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SingleQueryValuesMiddleware:
    """Every query parameter of the API takes one value: ``?search=a&search=b`` is refused with the API's own
    error, rather than silently keeping the last value (a list filtered on something else than asked)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
            if repeated:
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                message = _("Give this parameter once.")
                return JsonResponse(
                    {
                        "detail": _("A query parameter was given more than once."),
                        "code": "query.repeated",
                        "errors": [{"field": name, "message": message} for name in repeated],
                    },
                    status=422,
                )
        return self.get_response(request)


# Longer queries than this are refused (414): every filter the API offers fits many times over, and the
# server lets longer request lines through so that this answer, not its own page, is what a client reads.
MAX_QUERY_LENGTH = 8192


class ApiErrorMiddleware:
    """Under /api/ every error is the API's JSON ``{"detail", "code", "errors"}``, whoever gives it: Django's
    own answers (a bad Host header, a body over the upload limit, a method the address does not take, a crash
    and its error page) are rewritten here, outermost, with a stable code for their status. Pages keep Django's
    error pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from peyvand.core.errors import api_error_response

        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
            if request.path.startswith("/api/"):
                return api_error_response(414)
            from django.http import HttpResponse
            from django.utils.translation import gettext as _

            return HttpResponse(_("The address is too long."), status=414, content_type="text/plain")
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            answer = api_error_response(getattr(request, "_api_error_status", response.status_code))
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response

    def process_exception(self, request, exception):
        from django.core.exceptions import RequestDataTooBig

        # Django answers a body over the upload limit with 400 like any suspicious request; say what it was.
        if isinstance(exception, RequestDataTooBig):
            request._api_error_status = 413
        return None


# Browser features no page of Peyvand uses, turned off for every page and anything framed in one.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "bluetooth",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
