from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from audit import trail

register = template.Library()


@register.filter
def may_audit(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` administers some organisation (the nav asks staff only: admins use the setup site too)."""
    return trail.may_audit(user)


@register.filter
def detail_text(value: object) -> str:
    """One value of an event's details, for reading: a list as its items, joined."""
    if isinstance(value, list):
        return ", ".join(detail_text(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {detail_text(item)}" for key, item in value.items())
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
