"""The only place that changes an item's state.

One table of transitions, each with its guard (state, role, comment, checks) and its side effects
(approvals, notifications, publications cancelled). Every move locks the item's row, checks the
move against the table, saves with a history reason, and records a `Transition`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api import webhooks
from audit import events
from campaigns import evidence
from campaigns.checks import Problem, check_item, has_errors
from campaigns.models import Approval, ContentItem, Notification, Role, Transition
from campaigns.myth_answers import mark_answered
from campaigns.notifications import managers_of, notify
from campaigns.scoping import role_in
from campaigns.versions import content_hash
from publishing.scheduling import cancel_pending_publications

S = ContentItem.State
Kind = Notification.Kind

EDITING_ROLES = frozenset({Role.CONTRIBUTOR, Role.EDITOR, Role.MANAGER, Role.ADMIN})
PLANNING_ROLES = frozenset({Role.EDITOR, Role.MANAGER, Role.ADMIN})
REVIEWING_ROLES = frozenset({Role.MANAGER})
LIVE_STATES = frozenset(set(S.values) - {S.ARCHIVED})
NOT_YET_APPROVED = (S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED)
HISTORY_REASON_MAX_CHARS = 100
# Urgent public-health alerts are approved by two distinct managers.
APPROVALS_NEEDED = {ContentItem.Kind.ALERT: 2}


@dataclass(frozen=True)
class Move:
    action: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]  # empty: only the system (the publishing engine) makes this move
    needs_comment: bool = False
    runs_checks: bool = False


TRANSITIONS: dict[str, Move] = {
    move.action: move
    for move in [
        Move("submit", gettext_lazy("Submit for review"), frozenset({S.DRAFT}), S.IN_REVIEW, EDITING_ROLES, runs_checks=True),
        Move("approve", gettext_lazy("Approve"), frozenset({S.IN_REVIEW}), S.APPROVED, REVIEWING_ROLES, runs_checks=True),
        Move("request_changes", gettext_lazy("Request changes"), frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED, REVIEWING_ROLES, needs_comment=True),
        Move("rework", gettext_lazy("Back to draft"), frozenset({S.CHANGES_REQUESTED}), S.DRAFT, EDITING_ROLES),
        Move("return_to_review", gettext_lazy("Back to review"), frozenset({S.APPROVED, S.SCHEDULED}), S.IN_REVIEW, EDITING_ROLES),
        Move("schedule", gettext_lazy("Schedule"), frozenset({S.APPROVED}), S.SCHEDULED, PLANNING_ROLES),
        Move("unschedule", gettext_lazy("Unschedule"), frozenset({S.SCHEDULED}), S.APPROVED, PLANNING_ROLES),
        Move("mark_published", gettext_lazy("Published"), frozenset({S.SCHEDULED}), S.PUBLISHED, frozenset()),
        Move("archive", gettext_lazy("Archive"), LIVE_STATES, S.ARCHIVED, PLANNING_ROLES),
    ]
}  # fmt: skip


class WorkflowError(Exception):
    """A refused move; `status` is the HTTP status a view answers with."""

    def __init__(self, message: str, *, code: str, status: int, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message, self.code, self.status, self.problems = message, code, status, list(problems)


def perform(
    item: ContentItem, action: str, actor: AbstractBaseUser | None, comment: str = "",
    details: Mapping[str, object] | None = None,
) -> ContentItem:  # fmt: skip
    """Make `actor` move `item` by `action`; returns the item as saved, or raises WorkflowError.

    `details` (what was scheduled where, say) go to the audit trail with the move."""
    move = TRANSITIONS.get(action)
    if move is None:
        raise WorkflowError(_("Unknown action %(action)r.") % {"action": action}, code="unknown_action", status=400)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item.pk)
        check_move(locked, move, actor, comment)
        if move.runs_checks and has_errors(problems := check_item(locked)):
            raise WorkflowError(
                _("The checks found errors to fix first."), code="checks_failed", status=422, problems=problems
            )
        if action == "approve" and (missing := evidence.approval_problems(locked)):
            raise WorkflowError(
                _("Health advice is approved with its evidence: %(missing)s")
                % {"missing": " ".join(problem.message for problem in missing)},
                code="evidence_missing", status=422, problems=missing,
            )  # fmt: skip
        fingerprint = content_hash(locked)
        target = _record_approval(locked, actor, fingerprint, comment) if action == "approve" else move.target
        from_state = locked.state
        locked.state = target
        # The history column holds 100 characters; the full comment is kept on the Transition.
        with translation.override(settings.LANGUAGE_CODE):  # history reads the same for everyone
            locked._change_reason = (f"{move.label}: {comment}" if comment else str(move.label))[
                :HISTORY_REASON_MAX_CHARS
            ]
        locked.save(update_fields=["state", "updated_at"])
        Transition.objects.create(
            item=locked, action=action, from_state=from_state, to_state=target, actor=actor, comment=comment,
            content_hash=fingerprint,
        )  # fmt: skip
        events.record(
            locked.campaign.organisation, actor, f"item.{action}", "item", locked.pk, locked.title,
            {"from": from_state, "to": target, **({"comment": comment} if comment else {}), **(details or {})},
        )  # fmt: skip
        _after(move, locked, actor, comment, from_state)
    return locked


def check_move(item: ContentItem, move: Move, actor: AbstractBaseUser | None, comment: str = "") -> None:
    """Raise WorkflowError unless `actor` may make `move` on `item` now (state, role, comment)."""
    if item.state not in move.sources:
        raise WorkflowError(
            _("“%(move)s” is not possible while the item is %(state)s.")
            % {"move": move.label, "state": item.get_state_display().lower()},
            code="wrong_state", status=409,
        )  # fmt: skip
    if not move.roles:
        if actor is not None:
            raise WorkflowError(_("Only the publishing engine does this."), code="forbidden", status=403)
        return
    role = role_in(actor, item.campaign.organisation) if actor is not None else None
    if role not in move.roles:
        raise WorkflowError(
            _("Your role cannot %(move)s.") % {"move": move.label.lower()}, code="forbidden", status=403
        )
    if role == Role.CONTRIBUTOR and item.author_id != actor.pk:
        raise WorkflowError(_("Contributors act on their own items only."), code="forbidden", status=403)
    if move.action == "approve" and item.author_id == actor.pk:
        raise WorkflowError(_("Nobody approves their own work: another manager must."), code="own_work", status=403)
    if move.action == "approve" and standing_approvals(item).filter(manager=actor).exists():
        raise WorkflowError(
            _("You already approved this version; a second manager must."), code="already_approved", status=409
        )
    if move.needs_comment and not comment.strip():
        raise WorkflowError(_("Say what should change: a comment is required."), code="comment_required", status=400)


def allowed_moves(item: ContentItem, actor: AbstractBaseUser) -> list[Move]:
    """The moves `actor` may make on `item` now, for buttons (checks are run on the actual move)."""
    allowed = []
    for move in TRANSITIONS.values():
        try:
            check_move(item, move, actor, comment="-" if move.needs_comment else "")
        except WorkflowError:
            continue
        allowed.append(move)
    return allowed


def standing_approvals(item: ContentItem):
    """Approvals not voided by a later edit."""
    return Approval.objects.filter(item=item, voided_at__isnull=True)


def standing_approvals_by(manager: AbstractBaseUser):
    """Ids of the items `manager` currently approves (their approval not voided)."""
    return Approval.objects.filter(manager=manager, voided_at__isnull=True).values("item_id")


def approvals_needed(item: ContentItem) -> int:
    """Alerts and crisis communication (which may pass a publishing freeze) need two managers."""
    return 2 if item.is_crisis else APPROVALS_NEEDED.get(item.kind, 1)


def is_approved_version(item: ContentItem) -> bool:
    """Whether the item's current content is the one its standing approvals were given to."""
    fingerprint = content_hash(item)
    approvers = standing_approvals(item).filter(content_hash=fingerprint).values("manager").distinct().count()
    return approvers >= approvals_needed(item)


def record_edit(
    item: ContentItem, editor: AbstractBaseUser, details: Mapping[str, object] | None = None
) -> ContentItem:
    """After a content edit: it goes to the audit trail (with `details`, what changed), approvals and the clinical
    review are void, and approved or scheduled content goes back to review."""
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item.pk)
        events.record(
            locked.campaign.organisation, editor, "item.edited", "item", locked.pk, locked.title,
            {"version": locked.version, **(details or {})},
        )  # fmt: skip
        standing_approvals(locked).update(voided_at=timezone.now())
        evidence.void_reviews(locked)
        if locked.state in TRANSITIONS["return_to_review"].sources:
            return perform(locked, "return_to_review", editor, "Edited after approval.")
        if locked.state == S.CHANGES_REQUESTED:
            return perform(locked, "rework", editor)
        return locked


def expire_unapproved(now: datetime) -> list[ContentItem]:
    """Flag items whose planned time has come before their approval, and tell their author and managers."""
    expired = []
    due = ContentItem.objects.filter(state__in=NOT_YET_APPROVED, planned_at__lte=now, approval_expired_at__isnull=True)
    for item_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            item = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item_id)
            if item.state not in NOT_YET_APPROVED or item.approval_expired_at is not None:
                continue
            item.approval_expired_at = now
            item._change_reason = "Approval expired: the planned time came first"
            item.save(update_fields=["approval_expired_at", "updated_at"])
            notify(
                [item.author, *managers_of(item.campaign.organisation)], item, Kind.APPROVAL_EXPIRED,
                f"“{item.title}” was not approved by its planned time and will not be published on its own.",
            )  # fmt: skip
            expired.append(item)
    return expired


def _record_approval(item: ContentItem, manager: AbstractBaseUser, fingerprint: str, comment: str) -> str:
    Approval.objects.create(
        item=item, manager=manager, content_hash=fingerprint, item_version=item.version, comment=comment
    )
    approvers = standing_approvals(item).filter(content_hash=fingerprint).values("manager").distinct().count()
    return S.APPROVED if approvers >= approvals_needed(item) else S.IN_REVIEW


def _after(move: Move, item: ContentItem, actor: AbstractBaseUser | None, comment: str, from_state: str) -> None:
    organisation = item.campaign.organisation
    title = item.title
    if move.action == "submit":
        notify(
            managers_of(organisation), item, Kind.SUBMITTED, f"“{title}” is waiting for your review.", except_user=actor
        )
    elif move.action == "approve" and item.state == S.APPROVED:
        notify([item.author], item, Kind.APPROVED, f"“{title}” was approved.", except_user=actor)
        webhooks.item_approved(item)
    elif move.action == "approve":
        others = [m for m in managers_of(organisation) if m.pk != item.author_id]
        notify(
            others, item, Kind.SUBMITTED, f"“{title}” has one approval and needs a second manager's.", except_user=actor
        )
    elif move.action == "request_changes":
        notify(
            [item.author], item, Kind.CHANGES_REQUESTED, f"Changes requested on “{title}”: {comment}", except_user=actor
        )
    elif move.action == "return_to_review":
        cancel_pending_publications(item, "Cancelled: the content was edited after approval.")
        notify(
            managers_of(organisation),
            item,
            Kind.BACK_TO_REVIEW,
            f"“{title}” was edited after approval and needs review again.",
            except_user=actor,
        )
    elif move.action == "mark_published":
        mark_answered(item)  # a myth's response out: the myth is answered
    elif move.action in ("unschedule", "archive"):
        with translation.override(settings.LANGUAGE_CODE):  # a note stored on the publication
            cancel_pending_publications(item, f"Cancelled: the item was {move.label.lower()}d.")
        if move.action == "archive":
            standing_approvals(item).update(voided_at=timezone.now())
