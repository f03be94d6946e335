"""The myth register's changes: recording and editing a myth, and drafting an item that answers it.

A response is an ordinary draft (kind post, health advice) with the myth's sources and a variant per chosen
platform and campaign language that has a debunk; from there the normal workflow reviews, schedules and
publishes it. The debunk goes into each variant whole, never cut to a platform's limit: cutting a correction
mid-sentence could leave it saying the opposite, so the editor's checks show the overrun and a person shortens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events
from campaigns import editing, evidence, workflow
from campaigns.languages import language_name
from campaigns.models import (
    Campaign,
    Claim,
    ContentItem,
    Myth,
    MythDebunk,
    MythResponse,
    MythSource,
    Organisation,
    Source,
    Variant,
)
from campaigns.models.evidence import CLAIM_MAX_CHARS
from campaigns.row_changes import save_changes
from campaigns.scoping import role_in
from campaigns.workflow import WorkflowError
from publishing.platforms import Platform

# Editors and up keep the register and answer myths; contributors read it.
REGISTER_ROLES = workflow.PLANNING_ROLES
MYTH_FIELDS = ("claim", "first_seen", "status")
TITLE_MAX_CHARS = 200
# Instagram captions do not make links clickable, so its variants carry none (as the demo's do).
NO_LINK_PLATFORMS = frozenset({Platform.INSTAGRAM})


def can_manage_register(user: AbstractBaseUser, organisation: Organisation) -> bool:
    """Whether `user` may record, edit and answer the organisation's myths."""
    return role_in(user, organisation) in REGISTER_ROLES


def check_can_manage(user: AbstractBaseUser, organisation: Organisation) -> None:
    """Raise WorkflowError (403) unless `user` may change the organisation's register."""
    if not can_manage_register(user, organisation):
        raise WorkflowError(_("Editors, managers and admins keep the myth register."), code="forbidden", status=403)


def record_myth(
    organisation: Organisation, actor: AbstractBaseUser, fields: dict[str, Any], debunks: dict[str, str],
    sources: list[tuple[str, str]],
) -> Myth:  # fmt: skip
    """Add a myth to the register with its debunks (language → text) and sources ((url, title) pairs)."""
    check_can_manage(actor, organisation)
    with transaction.atomic():
        myth = Myth(organisation=organisation, created_by=actor, **_only(fields))
        myth.full_clean()
        myth._change_reason = "Recorded"
        myth.save()
        _set_debunks(myth, debunks)
        _set_sources(myth, sources)
        events.record(
            organisation, actor, "myth.recorded", "myth", myth.pk, myth.claim,
            {"status": myth.status, "languages": sorted(debunks), "sources": [url for url, _title in sources]},
        )  # fmt: skip
    return myth


def edit_myth(
    myth: Myth, actor: AbstractBaseUser, fields: dict[str, Any], debunks: dict[str, str],
    sources: list[tuple[str, str]],
) -> Myth:  # fmt: skip
    """Bring a myth, its debunks and its sources up to what the form says; writes only what differs."""
    check_can_manage(actor, myth.organisation)
    with transaction.atomic():
        locked = Myth.objects.select_for_update().select_related("organisation").get(pk=myth.pk)
        before = locked.status
        changed = save_changes(locked, _only(fields), reason="Edited")
        changed += ["debunks"] if _set_debunks(locked, debunks) else []
        changed += ["sources"] if _set_sources(locked, sources) else []
        if changed:
            details: dict[str, Any] = {"fields": changed}
            if locked.status != before:
                details["status"] = [before, locked.status]
            events.record(locked.organisation, actor, "myth.edited", "myth", locked.pk, locked.claim, details)
    return locked


def respond(
    myth: Myth, campaign: Campaign, platforms: Iterable[str], actor: AbstractBaseUser, title: str = ""
) -> ContentItem:
    """Draft an item of `campaign` answering `myth`: a variant per platform and campaign language with a debunk."""
    check_can_manage(actor, myth.organisation)
    if campaign.organisation_id != myth.organisation_id:
        raise ValidationError({"campaign": _("Choose a campaign of the myth's organisation.")})
    platforms = list(dict.fromkeys(platforms))
    if not platforms:
        raise ValidationError({"platforms": _("Choose at least one platform.")})
    if unknown := [p for p in platforms if p not in Platform.values]:
        raise ValidationError({"platforms": _("Unknown platform(s): %s.") % ", ".join(unknown)})
    debunks = {d.language: d.text for d in myth.debunks.all()}
    languages = [code for code in campaign.effective_languages if code in debunks]
    if not languages:
        raise ValidationError({"campaign": _(
            "This campaign is in %(campaign)s; the myth has debunks in %(myth)s only. Add a debunk in one of the "
            "campaign's languages first."
        ) % {"campaign": _names(campaign.effective_languages), "myth": _names(debunks) or "—"}})  # fmt: skip
    sources = list(myth.sources.order_by("pk").values_list("url", "title"))
    link = sources[0][0] if sources else ""
    fields = {
        "title": (title or _("Myth: %(claim)s") % {"claim": myth.claim})[:TITLE_MAX_CHARS],
        "kind": ContentItem.Kind.POST,
        "brief": _("Answers the myth “%(claim)s”.") % {"claim": myth.claim},
        "master_text": debunks[languages[0]],
        "is_health_advice": True,
    }
    with transaction.atomic():
        item = editing.create_item(campaign, actor, fields, [])
        for platform in platforms:
            for language in languages:
                variant = Variant(
                    item=item, platform=platform, language=language, text=debunks[language],
                    link="" if platform in NO_LINK_PLATFORMS else link,
                )  # fmt: skip
                variant.full_clean()
                variant.save()
        if sources:
            # The debunk is what the item states as fact; the myth's sources back it.
            claim = Claim.objects.create(item=item, text=debunks[languages[0]][:CLAIM_MAX_CHARS], position=0)
            for url, source_title in sources:
                source = Source(item=item, claim=claim, url=url, title=source_title, kind=evidence.kind_of(url))
                source.full_clean()
                source.save()
        MythResponse.objects.create(myth=myth, item=item, created_by=actor)
        events.record(
            myth.organisation, actor, "myth.responded", "myth", myth.pk, myth.claim,
            {"item": item.pk, "campaign": campaign.name, "variants": [f"{p}/{lang}" for p in platforms for lang in languages]},
        )  # fmt: skip
    return item


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    if unknown := set(fields) - set(MYTH_FIELDS):
        raise ValueError(f"not a myth's field: {', '.join(sorted(unknown))}")
    return fields


def _set_debunks(myth: Myth, debunks: dict[str, str]) -> bool:
    """Make the myth's debunks exactly `debunks` (an empty text drops that language); whether anything changed."""
    wanted = {language: text.strip() for language, text in debunks.items() if text.strip()}
    if outside := [code for code in wanted if code not in myth.organisation.languages]:
        raise ValidationError(
            {"debunks": _("The organisation does not publish in %(codes)s.") % {"codes": ", ".join(outside)}}
        )
    current = {debunk.language: debunk for debunk in myth.debunks.all()}
    changed = False
    for language, debunk in current.items():
        if language not in wanted:
            debunk.delete()
            changed = True
    for language, text in wanted.items():
        if language in current:
            changed |= bool(save_changes(current[language], {"text": text}, reason="Edited"))
        else:
            debunk = MythDebunk(myth=myth, language=language, text=text)
            debunk.full_clean()
            debunk.save()
            changed = True
    return changed


def _set_sources(myth: Myth, sources: list[tuple[str, str]]) -> bool:
    """Make the myth's sources exactly `sources`, in order; whether anything changed."""
    if list(myth.sources.order_by("pk").values_list("url", "title")) == sources:
        return False
    myth.sources.all().delete()
    for url, title in sources:
        source = MythSource(myth=myth, url=url, title=title)
        source.full_clean()
        source.save()
    return True


def _names(codes: Iterable[str]) -> str:
    return ", ".join(language_name(code) for code in codes)
