"""Correcting a published item: a new draft linked to it, reviewed like any item, and kept forever with its link.

`draft_correction` copies the original's variants (platform, language, link, media) with a "Correction:" prefix in
each variant's language for the editor to rewrite, and its claims and sources (not its clinical review). The correction then goes through the normal
workflow; sent to an account where the original was published, it answers the original's post where the platform
takes replies (publishing/corrections.py), else it is a new post. The original is never changed.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.models import Claim, ContentItem, Correction, Source, Variant, VariantMedia
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

S = ContentItem.State
# Who may decide that a published item needs correcting: those who may schedule it.
CORRECTING_ROLES = workflow.PLANNING_ROLES
REASON_MAX_CHARS = 2000
TITLE_MAX_CHARS = 200  # ContentItem.title


def draft_correction(original: ContentItem, actor: AbstractBaseUser, reason: str) -> ContentItem:
    """Draft a correction of the published `original` on `actor`'s decision; returns the new draft."""
    organisation = original.campaign.organisation
    check_can_correct(original, actor)
    if not (reason := reason.strip()):
        raise WorkflowError(
            _("Say what was wrong: a reason is required, for the record."), code="reason_required", status=400
        )
    if len(reason) > REASON_MAX_CHARS:
        raise WorkflowError(
            _("The reason is too long: at most %(limit)s characters.") % {"limit": REASON_MAX_CHARS},
            code="reason_too_long", status=400,
        )  # fmt: skip
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=original.pk)
        _check_state(locked)
        correction = _copy(locked, actor)
        Correction.objects.create(original=locked, correction=correction, decided_by=actor, reason=reason)
        events.record(
            organisation, actor, "item.corrected", "item", locked.pk, locked.title,
            {"correction": correction.pk, "reason": reason},
        )  # fmt: skip
        events.record(
            organisation, actor, "item.created", "item", correction.pk, correction.title,
            {"campaign": locked.campaign.name, "kind": correction.kind, "correction_of": locked.pk},
        )  # fmt: skip
    return correction


def check_can_correct(original: ContentItem, actor: AbstractBaseUser) -> None:
    """Raise WorkflowError unless `actor` may correct `original` now (role, published, no correction under way)."""
    if role_in(actor, original.campaign.organisation) not in CORRECTING_ROLES:
        raise WorkflowError(_("Your role cannot correct a published item."), code="forbidden", status=403)
    _check_state(original)


def can_correct(original: ContentItem, actor: AbstractBaseUser) -> bool:
    """Whether the item page offers `actor` to correct `original`."""
    try:
        check_can_correct(original, actor)
    except WorkflowError:
        return False
    return True


def open_corrections(item: ContentItem) -> QuerySet[ContentItem]:
    """The item's corrections not yet published nor archived."""
    return ContentItem.objects.filter(correction_of__original=item).exclude(state__in=(S.PUBLISHED, S.ARCHIVED))


def _check_state(item: ContentItem) -> None:
    if item.state != S.PUBLISHED:
        raise WorkflowError(
            _("Only a published item can be corrected; this one is %(state)s.")
            % {"state": item.get_state_display().lower()},
            code="wrong_state", status=409,
        )  # fmt: skip
    if open_correction := open_corrections(item).first():
        raise WorkflowError(
            _("A correction of this item is already under way: “%(title)s”. Finish or archive it first.")
            % {"title": open_correction.title},
            code="correction_open", status=409,
        )  # fmt: skip


def correction_prefix(language: str) -> str:
    """ "Correction:" in `language`, as the start of a correction's text."""
    with translation.override(language):
        return _("Correction:")


def _copy(original: ContentItem, author: AbstractBaseUser) -> ContentItem:
    title = f"{correction_prefix(translation.get_language() or 'en')} {original.title}"[:TITLE_MAX_CHARS]
    item = ContentItem(
        campaign=original.campaign, kind=original.kind, title=title, author=author, brief=original.brief,
        master_text=_prefixed(original.master_text, translation.get_language() or "en"),
        is_health_advice=original.is_health_advice, is_crisis=original.is_crisis,
    )  # fmt: skip
    item._change_reason = "Drafted as a correction"
    item.save()
    for source in original.sources.filter(claim__isnull=True).order_by("pk"):
        Source.objects.create(item=item, url=source.url, title=source.title, kind=source.kind)
    # The claims and their sources, for the clinical reviewer to review again: the original's review is not copied.
    for claim in original.claims.prefetch_related("sources"):
        copied = Claim.objects.create(item=item, text=claim.text, position=claim.position)
        for source in claim.sources.all():
            Source.objects.create(item=item, claim=copied, url=source.url, title=source.title, kind=source.kind)
    for variant in original.variants.prefetch_related("attachments").order_by("platform", "language"):
        copy = Variant(
            item=item, platform=variant.platform, language=variant.language, link=variant.link,
            text=_prefixed(variant.text, variant.language),
        )  # fmt: skip
        copy.full_clean()
        copy.save()
        VariantMedia.objects.bulk_create(
            VariantMedia(variant=copy, asset_id=a.asset_id, position=a.position) for a in variant.attachments.all()
        )
    return item


def _prefixed(text: str, language: str) -> str:
    return f"{correction_prefix(language)} {text}" if text.strip() else text
