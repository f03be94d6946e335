"""Signing in switches to the person's language and zone for the rest of that request (its messages, its redirect)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from people.preferences import activate, choice_for


@receiver(user_logged_in)
def use_their_preferences(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    activate(choice_for(user))
    if request is not None:
        request.LANGUAGE_CODE = translation.get_language()
