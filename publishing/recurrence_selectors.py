"""Reads for the item page's repeats."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from campaigns import workflow
from campaigns.models import ContentItem
from publishing import recurrence
from publishing.models import Recurrence, SocialAccount
from publishing.recurrence_forms import RepeatForm


def repeat_section(item: ContentItem, user: AbstractBaseUser, form: RepeatForm | None = None) -> dict[str, Any]:
    """What the item page shows of repeats: the form (for who may schedule), a preview, the rules."""
    may_schedule = any(move.action == "schedule" for move in workflow.allowed_moves(item, user))
    rules = list(Recurrence.objects.filter(item=item).order_by("created_at"))
    if form is None and may_schedule:
        accounts = list(SocialAccount.objects.for_organisation(item.campaign.organisation).filter(is_active=True))
        form = RepeatForm(item=item, accounts=accounts, initial={"frequency": "daily", "interval": 1})
    preview = None
    if form is not None and form.is_bound and form.is_valid():
        preview = recurrence.occurrences(form.rule(), recurrence.PREVIEW_OCCURRENCES)
    return {"form": form, "preview": preview, "rules": rules, "can_reapply": may_schedule and bool(rules)}
