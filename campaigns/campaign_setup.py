"""Setting up campaigns outside the admin site (the REST API): who may, and the model's own validation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events
from campaigns.models import Campaign, Organisation, Role
from campaigns.observances import dates_around
from campaigns.row_changes import save_changes
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

CAMPAIGN_SETUP_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
CAMPAIGN_FIELDS = (
    "name", "goal", "start_date", "end_date", "priority", "colour", "hashtags", "languages", "late_cutoff_minutes",
    "logo", "anchor_observance",
)  # fmt: skip


def check_can_set_up(actor: AbstractBaseUser, organisation: Organisation) -> None:
    """Raise WorkflowError unless `actor` sets up campaigns in `organisation` (its managers and admins)."""
    if role_in(actor, organisation) not in CAMPAIGN_SETUP_ROLES:
        raise WorkflowError(_("Only managers and admins set up campaigns."), code="forbidden", status=403)


def create_campaign(organisation: Organisation, actor: AbstractBaseUser, fields: dict[str, Any]) -> Campaign:
    """A new campaign, validated as the admin's form validates it (the model's clean and constraints)."""
    check_can_set_up(actor, organisation)
    fields = _only_campaign_fields(fields)
    if (anchor := fields.get("anchor_observance")) is not None and not fields.get("start_date"):
        # Anchored on a health day and no dates given: the weeks that build up to it, and the week after.
        fields = {
            **fields,
            **dict(zip(("start_date", "end_date"), dates_around(anchor, organisation.today()), strict=True)),
        }
    campaign = Campaign(organisation=organisation, created_by=actor, **fields)
    campaign.full_clean()
    with transaction.atomic():
        campaign._change_reason = "Created through the API"
        campaign.save()
        events.record(organisation, actor, "campaign.created", "campaign", campaign.pk, campaign.name, {"via": "api"})
    return campaign


def update_campaign(campaign: Campaign, actor: AbstractBaseUser, changes: dict[str, Any]) -> Campaign:
    """Apply `changes` to a campaign, validated like the admin's form; returns it as saved."""
    check_can_set_up(actor, campaign.organisation)
    changes = _only_campaign_fields(changes)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("organisation").get(pk=campaign.pk)
        if changed := save_changes(locked, changes, "Edited through the API"):
            events.record(
                locked.organisation, actor, "campaign.edited", "campaign", locked.pk, locked.name,
                {"fields": sorted(changed), "via": "api"},
            )  # fmt: skip
    return locked


def _only_campaign_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if unknown := set(fields) - set(CAMPAIGN_FIELDS):
        raise ValueError(f"not settable here: {', '.join(sorted(unknown))}")
    return fields
