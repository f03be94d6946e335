"""Crisis freezes: stop publishing at once, for an organisation, a campaign or an account.

While a freeze is on, the dispatcher hands nothing in its scope to the workers, and a worker that
already holds one refuses to send it. Crisis communication may pass, only with two distinct
managers' approval of its current version. Lifting a freeze never fires held items silently: they
go back to review (their publications cancelled) and the overdue ones are listed for a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import Campaign, ContentItem, Organisation, Role
from campaigns.scoping import role_in
from publishing.models import Freeze, Publication, SocialAccount

FREEZING_ROLES = (Role.MANAGER, Role.ADMIN)
CRISIS_APPROVALS_NEEDED = 2


@dataclass(frozen=True)
class Lifted:
    freeze: Freeze
    held_items: list[ContentItem]
    overdue_items: list[ContentItem]


def active_freezes(organisation: Organisation) -> QuerySet[Freeze]:
    return Freeze.objects.filter(organisation=organisation, lifted_at__isnull=True).select_related(
        "campaign", "account"
    )


def start_freeze(
    organisation: Organisation, actor: AbstractBaseUser, reason: str,
    campaign: Campaign | None = None, account: SocialAccount | None = None,
) -> Freeze:  # fmt: skip
    """Freeze publishing now, with a reason everyone will see."""
    _require_role(actor, organisation)
    if not reason.strip():
        raise workflow.WorkflowError(
            _("Say why publishing is frozen: a reason is required."), code="reason_required", status=400
        )
    for scope in (campaign, account):
        if scope is not None and scope.organisation_id != organisation.pk:
            raise workflow.WorkflowError(_("That belongs to another organisation."), code="forbidden", status=403)
    with transaction.atomic():
        freeze = Freeze.objects.create(
            organisation=organisation, campaign=campaign, account=account, reason=reason.strip(), started_by=actor
        )
        events.record(organisation, actor, "freeze.started", "freeze", freeze.pk, freeze.scope_label, _scope(freeze))
    return freeze


def lift_freeze(freeze: Freeze, actor: AbstractBaseUser) -> Lifted:
    """Lift a freeze; what it held goes back to review, nothing is sent on its own."""
    _require_role(actor, freeze.organisation)
    now = timezone.now()
    with transaction.atomic():
        if not Freeze.objects.filter(pk=freeze.pk, lifted_at__isnull=True).update(lifted_at=now, lifted_by=actor):
            raise workflow.WorkflowError(_("This freeze was already lifted."), code="wrong_state", status=409)
        held = _items_with_pending_publications(freeze)
        overdue = [item for item in held if _has_overdue_publication(item, now)]
        for item in held:
            workflow.perform(
                item, "return_to_review", actor, f"Held by a freeze ({freeze.reason[:60]}): approve again."
            )
        events.record(
            freeze.organisation, actor, "freeze.lifted", "freeze", freeze.pk, freeze.scope_label,
            {**_scope(freeze), "held_items": [item.pk for item in held], "overdue_items": [item.pk for item in overdue]},
        )  # fmt: skip
    freeze.refresh_from_db()
    return Lifted(freeze, held, overdue)


def frozen_publications(now_active: QuerySet[Freeze] | None = None) -> Q:
    """A filter matching publications under any active freeze (for the dispatcher's claim)."""
    freezes = now_active if now_active is not None else Freeze.objects.filter(lifted_at__isnull=True)
    whole = freezes.filter(campaign__isnull=True, account__isnull=True).values("organisation_id")
    campaigns = freezes.filter(campaign__isnull=False).values("campaign_id")
    accounts = freezes.filter(account__isnull=False).values("account_id")
    return (
        Q(account__organisation_id__in=whole) | Q(variant__item__campaign_id__in=campaigns) | Q(account_id__in=accounts)
    )


def is_frozen(publication: Publication) -> bool:
    """Whether an active freeze covers this publication (the same scopes as `frozen_publications`)."""
    # Asked of the freezes alone, from the ids the publication already holds: checked before every
    # send, the join of publication, account, variant and item cost more than the rest of the check.
    return Freeze.objects.filter(
        Q(organisation_id=publication.account.organisation_id, campaign__isnull=True, account__isnull=True)
        | Q(campaign_id=publication.variant.item.campaign_id)
        | Q(account_id=publication.account_id),
        lifted_at__isnull=True,
    ).exists()


def may_pass_freeze(item: ContentItem) -> bool:
    """Crisis communication approved, in its current version, by two distinct managers."""
    return (
        item.is_crisis
        and workflow.approvals_needed(item) >= CRISIS_APPROVALS_NEEDED
        and workflow.is_approved_version(item)
    )


def _items_with_pending_publications(freeze: Freeze) -> list[ContentItem]:
    from publishing.scheduling import PENDING_STATES

    scope = frozen_publications(Freeze.objects.filter(pk=freeze.pk))
    ids = Publication.objects.filter(scope, state__in=PENDING_STATES).values("variant__item_id")
    return list(ContentItem.objects.filter(pk__in=ids, state=ContentItem.State.SCHEDULED))


def _has_overdue_publication(item: ContentItem, now: object) -> bool:
    from publishing.scheduling import PENDING_STATES

    return Publication.objects.filter(variant__item=item, state__in=PENDING_STATES, scheduled_at__lt=now).exists()


def _scope(freeze: Freeze) -> dict[str, object]:
    scope = "campaign" if freeze.campaign_id else "account" if freeze.account_id else "organisation"
    return {"scope": scope, "reason": freeze.reason}


def _require_role(actor: AbstractBaseUser, organisation: Organisation) -> None:
    if role_in(actor, organisation) not in FREEZING_ROLES:
        raise workflow.WorkflowError(
            _("Only managers can freeze or unfreeze publishing."), code="forbidden", status=403
        )
