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
