"""Pre-publish checks: what stands between a content item and its platforms.

Every check returns problems and never raises or writes. Errors block approval; warnings are shown.
A problem names the form field it is about: "text", "first_comment", "media", "alt_text",
"sources", "variants" or "hashtags".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaigns import alt_text
from campaigns.languages import language_name
from campaigns.models import ContentItem, MediaAsset, Variant, VariantMedia
from campaigns.personal_data import PATIENT_ID, find_personal_data
from publishing.platform_rules import PlatformRules, rules_for
from publishing.platforms import Platform

if TYPE_CHECKING:
    from publishing.models import SocialAccount

ERROR = "error"
WARNING = "warning"

HASHTAG = re.compile(r"#\w+")
IMAGE_KINDS = (MediaAsset.Kind.IMAGE, MediaAsset.Kind.ANIMATED_GIF)
ATTACHMENTS_WITH_ASSETS = Prefetch("attachments", queryset=VariantMedia.objects.select_related("asset"))


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str
    message: str
    severity: str  # ERROR or WARNING
    variant_id: int | None = None


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any of the problems blocks approval."""
    return any(problem.severity == ERROR for problem in problems)


def check_text(platform: str, text: str, media_kinds: Sequence[str] = (), language: str = "") -> list[Problem]:
    """Problems of one post's text and media on `platform`; pure and fast enough for every keystroke."""
    # `language` is part of the editor's call so that language-specific rules need no new signature;
    # no rule uses it yet.
    rules = rules_for(platform)
    name = Platform(platform).label
    return [
        *_text_problems(rules, name, text, has_media=bool(media_kinds)),
        *_media_problems(rules, name, media_kinds),
        *_personal_data_problems("text", text),
    ]


def check_variant(variant: Variant, accounts: Sequence[SocialAccount] | None = None) -> list[Problem]:
    """Problems of one variant: its text and media on the accounts it may go to (see `platform_problems`),
    first comment, alt text and campaign hashtags."""
    from publishing.adapters.base import attached_assets

    prefetch_related_objects([variant], ATTACHMENTS_WITH_ASSETS)  # a no-op when check_item (or the caller) did it
    assets = attached_assets(variant)
    problems = check_text(variant.platform, variant.text, [asset.kind for asset in assets], variant.language)
    problems += _personal_data_problems("first_comment", variant.first_comment)
    if rules_for(variant.platform).alt_text_required:
        infographic = variant.item.kind == ContentItem.Kind.INFOGRAPHIC
        problems += _alt_text_problems(assets, variant.language, infographic)
    problems += _hashtag_problems(variant.item.campaign.hashtags, f"{variant.text}\n{variant.first_comment}")
    return _merged(
        [replace(problem, variant_id=variant.pk) for problem in problems], platform_problems(variant, accounts)
    )


def platform_problems(variant: Variant, accounts: Sequence[SocialAccount] | None = None) -> list[Problem]:
    """What the platform's adapter would refuse in the variant on each of these accounts (by default the
    organisation's active accounts on the platform), with their own limits where the platform has them
    (a Mastodon server's, read at run time and cached); with the platform's defaults when there is none."""
    from publishing.adapters import adapter_for

    if accounts is None:
        accounts = _active_accounts(variant.item.campaign.organisation_id, variant.platform)
    adapter = adapter_for(variant.platform)
    found: dict[tuple[str, str, str], Problem] = {}
    for account in accounts or [None]:
        for problem in adapter.validate(variant, account):
            found.setdefault((problem.field, problem.rule, problem.message), replace(problem, variant_id=variant.pk))
    return list(found.values())


def _active_accounts(organisation_id: int, platform: str | None = None) -> list[SocialAccount]:
    from publishing.models import SocialAccount

    accounts = SocialAccount.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")
    return list(accounts.filter(platform=platform) if platform else accounts)


def _merged(general: list[Problem], from_platform: list[Problem]) -> list[Problem]:
    """The general checks and the adapter's, where the adapter's answer wins for the same field and rule:
    it counts as the platform counts, with the account's own limits."""
    answered = {(problem.field, problem.rule) for problem in from_platform}
    return [p for p in general if (p.field, p.rule) not in answered] + from_platform


def check_item(item: ContentItem) -> list[Problem]:
    """Problems of a content item and of every one of its variants."""
    variants = list(item.variants.all())
    prefetch_related_objects(variants, ATTACHMENTS_WITH_ASSETS)
    has_sources = item.is_health_advice and item.sources.exists()  # only health advice needs them
    return check_parts(item, variants, has_sources, _active_accounts(item.campaign.organisation_id))


def check_parts(
    item: ContentItem, variants: Sequence[Variant], has_sources: bool, accounts: Sequence[SocialAccount]
) -> list[Problem]:
    """`check_item` on an item's parts, saved or not: its variants (their attachments prefetched, or set in
    memory as `_prefetched_objects_cache["attachments"]`), whether it has sources, the organisation's active
    accounts. The CSV import checks each row with it before it writes anything."""
    problems = []
    if not variants:
        problems.append(
            Problem("variants", "variant_required", _("Add at least one variant: a platform and a language."), ERROR)
        )
    if item.is_health_advice and not has_sources:
        problems.append(
            Problem("sources", "source_required", _("Health advice needs at least one source link."), ERROR)
        )
    for variant in variants:
        problems += check_variant(variant, [a for a in accounts if a.platform == variant.platform])
    return problems


def _text_problems(rules: PlatformRules, name: str, text: str, has_media: bool) -> list[Problem]:
    problems = []
    if not text.strip() and not has_media:
        problems.append(Problem("text", "empty", _("Write the text or attach media: the post is empty."), ERROR))
    if (length := rules.count(text)) > rules.text_limit:
        message = _("%(platform)s counts %(count)s of %(limit)s characters: %(over)s too many.")
        problems.append(Problem("text", "length", message % _numbers(name, length, rules.text_limit), ERROR))
    if rules.byte_limit is not None and (size := len(text.encode())) > rules.byte_limit:
        message = _("%(platform)s takes at most %(limit)s bytes; this text has %(count)s: %(over)s too many.")
        problems.append(Problem("text", "byte_length", message % _numbers(name, size, rules.byte_limit), ERROR))
    if refused := sorted(set(rules.refused_characters) & set(text)):
        message = _("%(platform)s refuses these characters in the text: %(characters)s.")
        details = {"platform": name, "characters": " ".join(refused)}
        problems.append(Problem("text", "refused_characters", message % details, ERROR))
    if rules.max_hashtags is not None and (tags := len(set(HASHTAG.findall(text.casefold())))) > rules.max_hashtags:
        message = _("%(platform)s takes at most %(limit)s hashtags; this text has %(count)s.")
        problems.append(Problem("text", "hashtag_count", message % _numbers(name, tags, rules.max_hashtags), ERROR))
    return problems


def _media_problems(rules: PlatformRules, name: str, media_kinds: Sequence[str]) -> list[Problem]:
    video_kinds = (
        {MediaAsset.Kind.VIDEO, MediaAsset.Kind.ANIMATED_GIF} if rules.gif_is_video else {MediaAsset.Kind.VIDEO}
    )
    videos = sum(kind in video_kinds for kind in media_kinds)
    images = len(media_kinds) - videos
    problems = []
    if rules.needs_media and not (videos if rules.max_images == 0 else media_kinds):
        message = (
            _("%(platform)s needs a video.") if rules.max_images == 0 else _("%(platform)s needs an image or a video.")
        )
        problems.append(Problem("media", "media_required", message % {"platform": name}, ERROR))
    if images and rules.max_images == 0:
        problems.append(Problem("media", "media_count", _("%(platform)s takes no images.") % {"platform": name}, ERROR))
    else:
        limits = [
            (images, rules.max_images, _("%(platform)s takes at most %(limit)s images; this post has %(count)s.")),
            (videos, rules.max_videos, _("%(platform)s takes at most %(limit)s videos; this post has %(count)s.")),
            (
                len(media_kinds),
                rules.max_media,
                _("%(platform)s takes at most %(limit)s media items; this post has %(count)s."),
            ),
        ]
        for count, limit, message in limits:
            if count > limit:
                problems.append(Problem("media", "media_count", message % _numbers(name, count, limit), ERROR))
                break  # one count to act on; the total would only repeat it
    if images and videos and not rules.mixing_allowed:
        message = _("%(platform)s does not take images and videos in the same post.")
        problems.append(Problem("media", "media_mixed", message % {"platform": name}, ERROR))
    return problems


def _personal_data_problems(field: str, text: str) -> list[Problem]:
    problems = []
    for finding in find_personal_data(text):
        if finding.kind == PATIENT_ID:
            message = _("This looks like a patient's %(what)s: “%(fragment)s”. Remove it before publishing.")
            severity, rule = ERROR, "patient_data"
        else:
            # A ministry publishes its hotline and contact address on purpose: ask, never block.
            message = _("Check this %(what)s: “%(fragment)s”. Keep it only if it is an official contact.")
            severity, rule = WARNING, "contact_details"
        details = {"what": _(finding.label), "fragment": finding.fragment}
        problems.append(Problem(field, rule, message % details, severity))
    return problems


def _alt_text_problems(assets: list[MediaAsset], language: str, infographic: bool) -> list[Problem]:
    """Each image's alt text in the variant's language, judged by campaigns/alt_text.py's rules."""
    problems = []
    for asset in assets:
        if asset.kind not in IMAGE_KINDS:
            continue
        details = {"title": asset.title, "language": language_name(language)}
        text = str((asset.alt_text or {}).get(language, ""))
        if not text.strip():
            message = _("“%(title)s” has no alt text in %(language)s.") % details
            problems.append(Problem("alt_text", alt_text.EMPTY, message, ERROR))
            continue
        image_text = str((asset.image_text or {}).get(language, ""))
        for finding in alt_text.judge(text, image_text=image_text, infographic=infographic):
            message = _("“%(title)s”, alt text in %(language)s: %(problem)s") % (details | {"problem": finding.message})
            problems.append(Problem("alt_text", finding.rule, message, ERROR if finding.is_error else WARNING))
    return problems


def _hashtag_problems(campaign_hashtags: list[str], text: str) -> list[Problem]:
    # Platforms match hashtags whatever their case; a hashtag in the first comment counts too.
    present = {tag.casefold() for tag in HASHTAG.findall(text)}
    if not (missing := [tag for tag in campaign_hashtags if tag.casefold() not in present]):
        return []
    message = _("The campaign's hashtags are missing: %(hashtags)s.")
    return [Problem("hashtags", "hashtags_missing", message % {"hashtags": ", ".join(missing)}, WARNING)]


def _numbers(platform: str, count: int, limit: int) -> dict[str, str]:
    return {
        "platform": platform,
        "count": number_format(count, force_grouping=True),
        "limit": number_format(limit, force_grouping=True),
        "over": number_format(count - limit, force_grouping=True),
    }
