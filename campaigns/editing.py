"""Changing an item's content: who may, on which version, and what an edit does to its review.

Every content change goes through here: it locks the item, refuses a stale save (someone saved a
newer version since the form was opened), validates, saves with history, raises the item's version
and lets the workflow react (approvals voided; approved or scheduled content back to review).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit import events
from campaigns import workflow
from campaigns.media import discard_files, store_upload
from campaigns.models import Campaign, Claim, ContentItem, MediaAsset, Role, Source, Variant, VariantMedia
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError

S = ContentItem.State
FROZEN_STATES = (S.PUBLISHED, S.ARCHIVED)
ITEM_FIELDS = ("title", "kind", "brief", "master_text", "is_health_advice", "is_crisis", "planned_at")
VARIANT_FIELDS = ("text", "link", "first_comment")


def check_can_edit(item: ContentItem, editor: AbstractBaseUser) -> None:
    """Raise WorkflowError unless `editor` may change `item`'s content now."""
    role = role_in(editor, item.campaign.organisation)
    if role not in workflow.EDITING_ROLES:
        raise WorkflowError(_("You cannot edit this item."), code="forbidden", status=403)
    if role == Role.CONTRIBUTOR and item.author_id != editor.pk:
        raise WorkflowError(_("Contributors edit their own items only."), code="forbidden", status=403)
    if item.state in FROZEN_STATES:
        raise WorkflowError(
            _("A %(state)s item cannot be edited; draft a correction instead.") % {"state": item.get_state_display().lower()},
            code="wrong_state", status=409,
        )  # fmt: skip


def edit_item(
    item: ContentItem, editor: AbstractBaseUser, expected_version: int, changes: dict[str, Any]
) -> ContentItem:
    """Apply `changes` to the item's own fields; returns the item as saved."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        changed = _apply(locked, changes, ITEM_FIELDS)
        return changed, bool(changed)

    return _edit(item, editor, expected_version, change, {"change": "fields"})


def edit_variant(
    variant: Variant, editor: AbstractBaseUser, expected_version: int, changes: dict[str, Any]
) -> ContentItem:
    """Apply `changes` to one variant of an item; returns the item as saved."""

    details: dict[str, Any] = {"change": "variant", **_variant_details(variant)}

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        target = Variant.objects.select_for_update().get(pk=variant.pk, item=locked)
        changed = _apply(target, changes, VARIANT_FIELDS)
        if changed:
            target.save(update_fields=[*changed, "updated_at"])
        details["fields"] = changed
        return [], bool(changed)

    return _edit(variant.item, editor, expected_version, change, details)


def add_variant(
    item: ContentItem, editor: AbstractBaseUser, expected_version: int, platform: str, language: str
) -> Variant:
    """Add a variant for a platform and language, starting from the item's master text."""
    created: list[Variant] = []

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        variant = Variant(item=locked, platform=platform, language=language, text=locked.master_text)
        variant.full_clean()
        variant.save()
        created.append(variant)
        return [], True

    _edit(
        item, editor, expected_version, change, {"change": "variant_added", "platform": platform, "language": language}
    )
    return created[0]


def replace_sources(
    item: ContentItem, editor: AbstractBaseUser, expected_version: int, sources: list[tuple[str, str]]
) -> ContentItem:
    """Make the item's source links exactly `sources` ((url, title) pairs, in order)."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        own = locked.sources.filter(claim__isnull=True)  # a claim's sources are edited with the claim
        current = list(own.order_by("pk").values_list("url", "title"))
        if current == sources:
            return [], False
        own.delete()
        for url, title in sources:
            source = Source(item=locked, url=url, title=title)
            source.full_clean()
            source.save()
        return [], True

    return _edit(item, editor, expected_version, change, {"change": "sources", "sources": [url for url, _ in sources]})


def add_claim(
    item: ContentItem, editor: AbstractBaseUser, expected_version: int, text: str, source: tuple[str, str, str]
) -> Claim:
    """Add a claim after the item's others, with its first source ((url, title, kind))."""
    created: list[Claim] = []

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        last = locked.claims.aggregate(last=models.Max("position"))["last"]
        claim = Claim(item=locked, text=text.strip(), position=0 if last is None else last + 1)
        claim.full_clean()
        claim.save()
        _add_source(claim, *source)
        created.append(claim)
        return [], True

    _edit(item, editor, expected_version, change, {"change": "claim_added", "claim": text.strip(), "url": source[0]})
    return created[0]


def edit_claim(claim: Claim, editor: AbstractBaseUser, expected_version: int, text: str) -> ContentItem:
    """Reword a claim (its sources stay)."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        target = Claim.objects.select_for_update().get(pk=claim.pk, item=locked)
        if target.text == text.strip():
            return [], False
        target.text = text.strip()
        target.full_clean()
        target.save(update_fields=["text"])
        return [], True

    return _edit(claim.item, editor, expected_version, change, {"change": "claim_edited", "claim": text.strip()})


def remove_claim(claim: Claim, editor: AbstractBaseUser, expected_version: int) -> ContentItem:
    """Remove a claim and its sources."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        deleted, _kinds = Claim.objects.filter(pk=claim.pk, item=locked).delete()
        return [], bool(deleted)

    return _edit(claim.item, editor, expected_version, change, {"change": "claim_removed", "claim": claim.text})


def add_claim_source(
    claim: Claim, editor: AbstractBaseUser, expected_version: int, url: str, title: str, kind: str
) -> ContentItem:
    """Back a claim with one more source."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        _add_source(Claim.objects.get(pk=claim.pk, item=locked), url, title, kind)
        return [], True

    details = {"change": "claim_source_added", "claim": claim.text, "url": url, "kind": kind}
    return _edit(claim.item, editor, expected_version, change, details)


def remove_claim_source(source: Source, editor: AbstractBaseUser, expected_version: int) -> ContentItem:
    """Remove one source of a claim."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        deleted, _kinds = Source.objects.filter(pk=source.pk, item=locked, claim__isnull=False).delete()
        return [], bool(deleted)

    return _edit(source.item, editor, expected_version, change, {"change": "claim_source_removed", "url": source.url})


def _add_source(claim: Claim, url: str, title: str, kind: str) -> Source:
    source = Source(item_id=claim.item_id, claim=claim, url=url, title=title, kind=kind)
    source.full_clean()
    source.save()
    return source


def attach_media(variant: Variant, editor: AbstractBaseUser, expected_version: int, asset: MediaAsset) -> ContentItem:
    """Attach an asset of the item's organisation to a variant, after its other media."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        if variant.attachments.filter(asset=asset).exists():
            return [], False
        last = variant.attachments.aggregate(last=models.Max("position"))["last"]
        position = 0 if last is None else last + 1  # (`last or -1` put a second one at the first one's 0)
        attachment = VariantMedia(variant=variant, asset=asset, position=position)
        attachment.full_clean()
        attachment.save()
        return [], True

    details = {"change": "media_attached", **_variant_details(variant), **_asset_details(asset)}
    return _edit(variant.item, editor, expected_version, change, details)


def upload_and_attach(
    variant: Variant, editor: AbstractBaseUser, expected_version: int, upload: Any, title: str, alt_text: str
) -> ContentItem:
    """Add an uploaded image or video to the library (alt text in the variant's language) and attach it.

    A refused attachment (a stale version, a frozen item) leaves no new asset behind, nor its files."""
    with transaction.atomic():
        organisation = variant.item.campaign.organisation
        alt = {variant.language: alt_text} if alt_text else {}
        asset, created = store_upload(organisation, upload, title, alt, editor)
        try:
            return attach_media(variant, editor, expected_version, asset)
        except BaseException:
            if created:
                discard_files(asset)
            raise


def set_alt_text(
    variant: Variant, editor: AbstractBaseUser, expected_version: int, asset: MediaAsset, text: str
) -> ContentItem:
    """Set an attached image's alt text in the variant's language."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        target = MediaAsset.objects.select_for_update().get(pk=asset.pk, attachments__variant=variant)
        alt_text = dict(target.alt_text)
        if alt_text.get(variant.language, "") == text:
            return [], False
        alt_text[variant.language] = text
        target.alt_text = alt_text
        target.full_clean()
        target._change_reason = f"Alt text ({variant.language}) edited"
        target.save(update_fields=["alt_text"])
        return [], True

    details = {"change": "alt_text", **_variant_details(variant), **_asset_details(asset)}
    return _edit(variant.item, editor, expected_version, change, details)


def detach_media(variant: Variant, editor: AbstractBaseUser, expected_version: int, asset: MediaAsset) -> ContentItem:
    """Remove an asset from a variant (the asset stays in the library)."""

    def change(locked: ContentItem) -> tuple[list[str], bool]:
        deleted, _kinds = variant.attachments.filter(asset=asset).delete()
        return [], bool(deleted)

    details = {"change": "media_detached", **_variant_details(variant), **_asset_details(asset)}
    return _edit(variant.item, editor, expected_version, change, details)


def create_item(
    campaign: Campaign, author: AbstractBaseUser, fields: dict[str, Any], variants: list[tuple[str, str]]
) -> ContentItem:
    """Draft a new item in `campaign`, with a variant per (platform, language) starting from its master text."""
    role = role_in(author, campaign.organisation)
    if role not in workflow.EDITING_ROLES:
        raise WorkflowError(_("You cannot draft items in this campaign."), code="forbidden", status=403)
    with transaction.atomic():
        item = ContentItem(campaign=campaign, author=author)
        _apply(item, fields, ITEM_FIELDS)
        item._change_reason = "Drafted"
        item.save()
        for platform, language in variants:
            variant = Variant(item=item, platform=platform, language=language, text=item.master_text)
            variant.full_clean()
            variant.save()
        events.record(
            campaign.organisation, author, "item.created", "item", item.pk, item.title,
            {"campaign": campaign.name, "kind": item.kind, "variants": [f"{p}/{lang}" for p, lang in variants]},
        )  # fmt: skip
    return item


# A change function sets what it changes and says which item fields it set (saved here, once,
# with the new version) and whether anything changed at all.
Change = Callable[[ContentItem], tuple[list[str], bool]]


def _edit(
    item: ContentItem, editor: AbstractBaseUser, expected_version: int, change: Change, details: dict[str, Any]
) -> ContentItem:
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("campaign__organisation").get(pk=item.pk)
        check_can_edit(locked, editor)
        if locked.version != expected_version:
            raise WorkflowError(
                _(
                    "Someone saved a newer version while you were editing. Your text is kept below; "
                    "reload to see theirs, then apply your change again."
                ),
                code="stale", status=409,
            )  # fmt: skip
        item_fields, changed = change(locked)
        if not changed and not item_fields:
            return locked
        if item_fields:
            details["fields"] = list(item_fields)
        if "planned_at" in item_fields:
            locked.approval_expired_at = None  # a new planned time gives the review a new chance
            item_fields.append("approval_expired_at")
        locked.version += 1
        locked._change_reason = "Edited"
        locked.save(update_fields=[*item_fields, "version", "updated_at"])
        return workflow.record_edit(locked, editor, details)


def _variant_details(variant: Variant) -> dict[str, Any]:
    return {"variant": variant.pk, "platform": variant.platform, "language": variant.language}


def _asset_details(asset: MediaAsset) -> dict[str, Any]:
    return {"asset": asset.pk, "asset_title": asset.title}


def _apply(instance: models.Model, changes: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    """Set the fields that differ and validate; returns their names (the caller saves)."""
    if unknown := set(changes) - set(allowed):
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    changed = [name for name, value in changes.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, changes[name])
    instance.full_clean()
    return changed
