"""Retracting a published post: a manager's decision, carried out where the platform's API can delete.

The adapter deletes the post (`Adapter.delete`, where `supports_delete`); the publication then becomes
"retracted" (publishing/scheduling.py makes the move) and its metrics stop. Where the API cannot delete
(Instagram), nothing is sent: the refusal says so and offers a correction instead. Every decision, done,
refused or failed, is a `Retraction` row and an audit event, with who decided and why: kept forever.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import ContentItem
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError
from publishing import scheduling
from publishing.adapters import adapter_for
from publishing.adapters.base import Permanent, PublishError
from publishing.models import Publication, Retraction
from publishing.platforms import Platform

P = Publication.State
R = Retraction.State
# Only a manager takes a post down: it is the reverse of approving it.
RETRACTING_ROLES = workflow.REVIEWING_ROLES
REASON_MAX_CHARS = 2000


def retract(publication: Publication, actor: AbstractBaseUser, reason: str) -> Retraction:
    """Delete one published post from its platform on `actor`'s decision; the Retraction says how it went."""
    reason = _checked(publication.account.organisation, actor, reason)
    # No transaction is held while the platform is asked (SQLite would lock the sandbox out; a row lock over an
    # HTTP call holds up others). Two managers retracting at once both ask: deleting twice is harmless, the second
    # finds the post gone, and the publication moves to retracted once (scheduling.mark_retracted).
    locked = Publication.objects.select_related("variant__item", "account").get(pk=publication.pk)
    if locked.state != P.PUBLISHED:
        raise WorkflowError(
            _("Only a published post can be retracted; this one is %(state)s.")
            % {"state": locked.get_state_display().lower()},
            code="wrong_state", status=409,
        )  # fmt: skip
    adapter = adapter_for(locked.account.platform)
    if not adapter.supports_delete:
        message = _(
            "%(platform)s's API cannot delete a post: remove it in the %(platform)s app, or draft a correction, "
            "which goes out as a new post."
        ) % {"platform": Platform(locked.account.platform).label}
        return _recorded(locked, actor, reason, R.REFUSED, message)
    try:
        adapter.delete(locked)
    except Permanent as error:
        if error.status != 404:
            return _recorded(locked, actor, reason, R.FAILED, _failed(error))
        return _done(locked, actor, reason, _("The platform no longer had the post: it counts as retracted."))
    except PublishError as error:
        return _recorded(locked, actor, reason, R.FAILED, _failed(error))
    return _done(locked, actor, reason, _("Deleted from %(platform)s.") % {"platform": locked.account})


def retract_item(item: ContentItem, actor: AbstractBaseUser, reason: str) -> list[Retraction]:
    """Retract every published post of `item`, one by one; each Retraction says how it went."""
    _checked(item.campaign.organisation, actor, reason)
    check_can_retract(item, actor)
    published = Publication.objects.filter(variant__item=item, state=P.PUBLISHED).order_by("pk")
    return [retract(publication, actor, reason) for publication in published]


def check_can_retract(item: ContentItem, actor: AbstractBaseUser) -> None:
    """Raise WorkflowError unless `actor` may retract `item`'s posts now (a manager; a post still published)."""
    _check_role(item.campaign.organisation, actor)
    if not Publication.objects.filter(variant__item=item, state=P.PUBLISHED).exists():
        raise WorkflowError(_("This item has no published post to retract."), code="nothing_published", status=409)


def can_retract(item: ContentItem, actor: AbstractBaseUser) -> bool:
    """Whether the item page offers `actor` to retract `item`'s posts."""
    try:
        check_can_retract(item, actor)
    except WorkflowError:
        return False
    return True


def published_posts(item: ContentItem) -> list[tuple[Publication, bool]]:
    """The item's posts still online, each with whether its platform's API can delete it."""
    published = (
        Publication.objects.filter(variant__item=item, state=P.PUBLISHED)
        .select_related("variant", "account")
        .order_by("account__platform", "account__handle", "variant__language", "pk")
    )
    return [(publication, adapter_for(publication.account.platform).supports_delete) for publication in published]


def retractions_of(item: ContentItem) -> list[Retraction]:
    """Every retraction decided on the item's posts, oldest first, with who decided."""
    found = Retraction.objects.filter(publication__variant__item=item)
    return list(found.select_related("decided_by", "publication__account", "publication__variant"))


def _check_role(organisation: object, actor: AbstractBaseUser) -> None:
    if role_in(actor, organisation) not in RETRACTING_ROLES:
        raise WorkflowError(_("Only a manager can retract a published post."), code="forbidden", status=403)


def _checked(organisation: object, actor: AbstractBaseUser, reason: str) -> str:
    _check_role(organisation, actor)
    if not (reason := reason.strip()):
        raise WorkflowError(
            _("Say why it is retracted: a reason is required, for the record."), code="reason_required", status=400
        )
    if len(reason) > REASON_MAX_CHARS:
        raise WorkflowError(
            _("The reason is too long: at most %(limit)s characters.") % {"limit": REASON_MAX_CHARS},
            code="reason_too_long", status=400,
        )  # fmt: skip
    return reason


def _failed(error: PublishError) -> str:
    return _("The platform did not delete it: %(error)s. The post may still be online; try again.") % {
        "error": str(error)[:500]
    }


def _done(publication: Publication, actor: AbstractBaseUser, reason: str, message: str) -> Retraction:
    with transaction.atomic():
        scheduling.mark_retracted(publication.pk, f"Retracted by {actor.get_username()}: {reason}")
        return _recorded(publication, actor, reason, R.DONE, message)


def _recorded(publication: Publication, actor: AbstractBaseUser, reason: str, state: str, message: str) -> Retraction:
    retraction = Retraction.objects.create(
        publication=publication, decided_by=actor, reason=reason, state=state, message=message, at=timezone.now()
    )
    action = {R.DONE: "publication.retracted", R.REFUSED: "publication.retraction_refused"}.get(
        state, "publication.retraction_failed"
    )
    variant, account = publication.variant, publication.account
    label = f"{variant.item.title} — {variant.platform}/{variant.language} → {account.handle}"[:200]
    details = {"reason": reason, "message": message, "remote_id": publication.remote_id, "url": publication.remote_url}
    events.record(account.organisation_id, actor, action, "publication", publication.pk, label, details)
    return retraction
