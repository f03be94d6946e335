"""Quiet hours: the local hours in which an account posts nothing unless it is an alert or crisis communication.

The rule lives here alone: scheduling refuses a time inside them (naming the next allowed time), the next free
slot skips them, and sending defers what became due inside them (quiet hours changed after it was scheduled).
Times are the organisation's wall-clock times, so a window follows daylight-saving changes, and a window whose
start is after its end (23:00 to 06:00) crosses midnight.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from campaigns.models import ContentItem
    from publishing.models import SocialAccount

# A wall time skipped by a daylight-saving change is looked for minute by minute: gaps last an hour or two.
GAP_SEARCH_STEP = dt.timedelta(minutes=1)
GAP_SEARCH_LIMIT = dt.timedelta(hours=3)


def validate_window(quiet_from: dt.time | None, quiet_until: dt.time | None) -> None:
    """Both ends or neither, and two different times; raises ValidationError naming the field."""
    if (quiet_from is None) != (quiet_until is None):
        missing = "quiet_until" if quiet_until is None else "quiet_from"
        raise ValidationError({missing: _("Give both ends of the quiet hours, or neither.")})
    if quiet_from is not None and quiet_from == quiet_until:
        raise ValidationError({"quiet_until": _("The quiet hours must end at another time than they start.")})


def passes_quiet_hours(item: ContentItem) -> bool:
    """Alerts and crisis communication go out whatever the hour."""
    from campaigns.models import ContentItem

    return item.kind == ContentItem.Kind.ALERT or item.is_crisis


def has_quiet_hours(account: SocialAccount) -> bool:
    return account.quiet_from is not None and account.quiet_until is not None


def is_quiet(account: SocialAccount, when: dt.datetime) -> bool:
    """Whether `when` (aware) falls inside the account's quiet hours, on the organisation's clock."""
    if not has_quiet_hours(account):
        return False
    local = timezone.localtime(when, account.organisation.zone).time()
    start, end = account.quiet_from, account.quiet_until
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight


def quiet_ends(account: SocialAccount, when: dt.datetime) -> dt.datetime:
    """The first instant at or after `when` outside the quiet hours (`when` itself if it is not quiet), in UTC."""
    if not is_quiet(account, when):
        return when
    zone = account.organisation.zone
    local = timezone.localtime(when, zone)
    day = local.date()
    if account.quiet_from > account.quiet_until and local.time() >= account.quiet_from:
        day += dt.timedelta(days=1)  # in the evening part of a window that crosses midnight
    after = [instant for instant in wall_instants(day, account.quiet_until, zone) if instant > when]
    if after:
        return min(after)
    return _end_of_gap(day, account.quiet_until, zone, when)


def wall_instants(day: dt.date, time: dt.time, zone: dt.tzinfo) -> list[dt.datetime]:
    """The UTC instants at which the clock of `zone` reads `time` on `day`: one, two (clocks put back) or none
    (clocks put forward over it)."""
    found = set()
    for fold in (0, 1):
        local = dt.datetime.combine(day, time, tzinfo=zone).replace(fold=fold)
        instant = local.astimezone(dt.UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            found.add(instant)
    return sorted(found)


def _end_of_gap(day: dt.date, time: dt.time, zone: dt.tzinfo, after: dt.datetime) -> dt.datetime:
    # The window ends at a wall time the clocks jumped over: it ends when they jump.
    target = dt.datetime.combine(day, time)
    # Read with the offset after the change, the skipped time names an instant just before the jump.
    before_jump = dt.datetime.combine(day, time, tzinfo=zone).replace(fold=1).astimezone(dt.UTC)
    instant = max(after.astimezone(dt.UTC), before_jump).replace(second=0, microsecond=0)
    limit = instant + GAP_SEARCH_LIMIT
    while instant < limit:
        instant += GAP_SEARCH_STEP
        if instant.astimezone(zone).replace(tzinfo=None) >= target:
            return instant.astimezone(dt.UTC)
    return limit.astimezone(dt.UTC)


def refusal(account: SocialAccount, when: dt.datetime) -> str:
    """What scheduling says when `when` falls in the account's quiet hours, with the next allowed time; '' if not."""
    if not is_quiet(account, when):
        return ""
    zone = account.organisation.zone
    allowed = timezone.localtime(quiet_ends(account, when), zone)
    return _(
        "%(handle)s has quiet hours from %(start)s to %(end)s (%(zone)s): only alerts and crisis communication go "
        "out then. The next allowed time is %(allowed)s."
    ) % {
        "handle": account.handle, "start": f"{account.quiet_from:%H:%M}", "end": f"{account.quiet_until:%H:%M}",
        "zone": zone.key, "allowed": f"{allowed:%Y-%m-%d %H:%M}",
    }  # fmt: skip


def set_quiet_hours(
    account: SocialAccount, actor: AbstractBaseUser, quiet_from: dt.time | None, quiet_until: dt.time | None
) -> SocialAccount:
    """Change an account's quiet hours (None, None: none); the accounts page's and the setup site's rule."""
    from audit import events

    validate_window(quiet_from, quiet_until)
    with transaction.atomic():
        account.quiet_from, account.quiet_until = quiet_from, quiet_until
        account.save(update_fields=["quiet_from", "quiet_until"])
        shown = f"{quiet_from:%H:%M}–{quiet_until:%H:%M}" if quiet_from is not None else "none"
        events.record(
            account.organisation_id, actor, "account.quiet_hours", "account", account.pk, str(account),
            {"quiet_hours": shown},
        )  # fmt: skip
    return account
