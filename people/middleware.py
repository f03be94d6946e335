"""Shows each signed-in person the planner in their language and time zone."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from people.preferences import activate, choice_for


class PreferencesMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: a person's own language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            choice = choice_for(request.user)
            activate(choice)
            request.own_timezone = choice.own_timezone
            request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
