from django.http import HttpRequest

from campaigns.notifications import unread_count


def notifications(request: HttpRequest) -> dict[str, int]:
    """The unread count for the bell in the header."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None and user.is_authenticated else 0}
