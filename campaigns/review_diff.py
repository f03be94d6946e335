"""What changed in an item since it was last approved, from the edit history (django-simple-history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from campaigns.models import Approval, ContentItem

# Bookkeeping fields that change without the content changing.
IGNORED_FIELDS = {"state", "version", "updated_at", "approval_expired_at", "created_at"}


@dataclass(frozen=True)
class Change:
    where: str  # "Item", or the variant's platform and language
    field: str
    before: str
    after: str


def last_approval_time(item: ContentItem) -> datetime | None:
    """When the item was last approved (by anyone, for any version), or None."""
    return Approval.objects.filter(item=item).order_by("-created_at").values_list("created_at", flat=True).first()


def changes_since_last_approval(item: ContentItem) -> tuple[datetime | None, list[Change]]:
    """The field changes of the item and its variants since its last approval (none if never approved)."""
    since = last_approval_time(item)
    if since is None:
        return None, []
    changes = _changes_of(item, "Item", since)
    for variant in item.variants.all():
        changes += _changes_of(variant, f"{variant.get_platform_display()} · {variant.language}", since)
    return since, changes


def _changes_of(obj: object, where: str, since: datetime) -> list[Change]:
    now = obj.history.first()
    then = obj.history.filter(history_date__lte=since).first()
    if now is None:
        return []
    if then is None:
        return [Change(where, "variant", "", "added since the approval")]
    delta = now.diff_against(then)
    return [
        Change(where, now._meta.get_field(change.field).verbose_name, str(change.old or ""), str(change.new or ""))
        for change in delta.changes
        if change.field not in IGNORED_FIELDS
    ]
