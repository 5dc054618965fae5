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
