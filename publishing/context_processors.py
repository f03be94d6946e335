from django.http import HttpRequest

from publishing.models import Freeze


def freezes(request: HttpRequest) -> dict[str, object]:
    """Active freezes of the user's organisations, for the banner on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"active_freezes": []}
    active = (
        Freeze.objects.for_user(user)
        .filter(lifted_at__isnull=True)
        .select_related("organisation", "campaign", "account")
    )
    return {"active_freezes": list(active), "publishing_paused": bool(active)}
