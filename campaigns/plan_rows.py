"""One row of a content plan: read into the item it describes, and checked as the editor checks an item.

Nothing here writes. `RowReader` holds what every row is read against, loaded once per pass (the organisation's
campaigns, library and active accounts: as many as the organisation has, whatever the file's size); `read` turns
one row into a `PlannedRow` (unsaved item, variants, attachments and sources) with its problems, or into problems
only when it cannot describe an item at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from campaigns import checks, plan_columns
from campaigns.editor_forms import LocalDateTimeField
from campaigns.languages import CONTENT_LANGUAGE_CODES
from campaigns.models import Campaign, ContentItem, MediaAsset, Organisation, Source, Variant, VariantMedia
from campaigns.models.campaign import HASHTAG_PATTERN
from publishing.platforms import Platform

ERROR, WARNING = checks.ERROR, checks.WARNING
TITLE_MAX_CHARS = ContentItem._meta.get_field("title").max_length
# A title made from the text: its first line, cut at a word to keep it readable in lists.
TITLE_FROM_TEXT_CHARS = 80
# Which column each of the editor's check fields is about.
CHECK_COLUMNS = {
    "text": "text", "first_comment": "text", "media": "media", "alt_text": "media", "sources": "sources",
    "variants": "platforms", "hashtags": "hashtags",
}  # fmt: skip
ITEM_CHECK_FIELDS = ("sources", "variants")  # the problems of the item rather than of one variant
KINDS = {value: value for value in ContentItem.Kind.values} | {
    str(label).casefold(): value for value, label in ContentItem.Kind.choices
}
PLATFORMS = {value: value for value in Platform.values} | {label.casefold(): value for value, label in Platform.choices}
URLS = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class RowProblem:
    column: str
    rule: str
    message: str
    severity: str = ERROR


@dataclass
class PlannedRow:
    """A row read into an unsaved item with its parts, and the row's key (see `import_key`)."""

    number: int
    item: ContentItem
    variants: list[Variant]
    attachments: list[VariantMedia]  # those of every variant, in order, each knowing its variant
    sources: list[Source]
    key: str
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not any(problem.severity == ERROR for problem in self.problems)


class RowReader:
    """Reads rows against one organisation, as it is when the pass starts."""

    def __init__(self, organisation: Organisation, author: object | None = None) -> None:
        self.organisation, self.author = organisation, author
        self.field = LocalDateTimeField(organisation.zone)
        campaigns = Campaign.objects.for_organisation(organisation).select_related("organisation")
        self.campaigns = {campaign.name.casefold(): campaign for campaign in campaigns}
        self.assets: dict[str, list[MediaAsset]] = defaultdict(list)
        for asset in MediaAsset.objects.for_organisation(organisation).order_by("pk"):
            self.assets[asset.file.name.casefold()].append(asset)
            self.assets[PurePath(asset.file.name).name.casefold()].append(asset)
        self.accounts = checks._active_accounts(organisation.pk)

    def read(
        self, number: int, row: Mapping[str, str], *, check: bool = True
    ) -> tuple[PlannedRow | None, list[RowProblem]]:
        """The row numbered `number` (the file's line; the header is 1) as an item, and what is wrong with it: what
        its cells refer to (campaign, platforms, languages, media), and unless `check` is false (a row its preview
        passed) the rules of its cells alone and what the editor's checks find in the item it describes."""
        cells = {name: plan_columns.plain(row.get(name) or "").strip() for name in plan_columns.NAMES}
        problems: list[RowProblem] = []
        for name in sorted(plan_columns.REQUIRED, key=plan_columns.NAMES.index):
            if not cells[name]:
                problems.append(RowProblem(name, "required", _("This column is required; it is empty.")))
        campaign = self._campaign(cells["campaign"], problems)
        kind = self._kind(cells["kind"], problems)
        planned_at = self._planned_at(cells["planned_at"], problems)
        platforms = self._platforms(cells["platforms"], problems)
        languages = self._languages(cells["languages"], campaign, problems)
        hashtags = self._hashtags(cells["hashtags"], problems)
        assets = self._assets(cells["media"], problems)
        links = self._sources(cells["sources"], problems, validate=check)
        health_advice = self._health_advice(cells["health_advice"], problems)
        if problems or campaign is None:
            return None, problems
        text = plan_columns.with_hashtags(cells["text"], hashtags)
        item = ContentItem(
            campaign=campaign, kind=kind, planned_at=planned_at, title=cells["title"] or title_from(text),
            master_text=text, is_health_advice=health_advice, author=self.author,
        )  # fmt: skip
        if check:  # rules of the cells alone: a file read again (the import after its preview) keeps to them
            problems += _field_problems(item, {"title": "title", "master_text": "text"}, exclude=["campaign", "author"])
        variants, attachments = [], []
        for platform in platforms:
            for language in languages:
                variant = Variant(item=item, platform=platform, language=language, text=text)
                own = [VariantMedia(variant=variant, asset=asset, position=n) for n, asset in enumerate(assets)]
                variant._prefetched_objects_cache = {"attachments": own}
                variants.append(variant)
                attachments += own
        sources = [Source(item=item, url=url) for url in links]
        key = import_key(self.organisation, item, platforms, languages, assets, links)
        planned = PlannedRow(number, item, variants, attachments, sources, key, problems)
        if check and not problems:
            planned.problems += self._check(planned)
        return planned, planned.problems

    def _check(self, planned: PlannedRow) -> list[RowProblem]:
        """The editor's checks (campaigns/checks.py and each platform's adapter) on the unsaved item.

        Unsaved variants have no id for `Problem.variant_id`: the item is checked with one variant at a time,
        so that each problem can name its platform and language; the item's own problems come once."""
        problems = []
        for variant in planned.variants:
            for problem in checks.check_parts(planned.item, [variant], bool(planned.sources), self.accounts):
                own = problem.field not in ITEM_CHECK_FIELDS
                where = f"{variant.get_platform_display()} · {variant.language}: " if own else ""
                column = CHECK_COLUMNS.get(problem.field, problem.field)
                problems.append(RowProblem(column, problem.rule, where + problem.message, problem.severity))
        return list(dict.fromkeys(problems))

    def _campaign(self, name: str, problems: list[RowProblem]) -> Campaign | None:
        if not name:
            return None
        if (campaign := self.campaigns.get(name.casefold())) is None:
            message = _("No campaign of %(organisation)s is named “%(name)s”.")
            problems.append(RowProblem("campaign", "unknown_campaign", message % {
                "organisation": self.organisation.name, "name": name}))  # fmt: skip
        return campaign

    def _kind(self, cell: str, problems: list[RowProblem]) -> str:
        if not cell:
            return ContentItem.Kind.POST
        if (kind := KINDS.get(cell.casefold())) is None:
            message = _("Unknown kind “%(kind)s”; use post, infographic, video or alert.")
            problems.append(RowProblem("kind", "unknown_kind", message % {"kind": cell}))
            return ContentItem.Kind.POST
        return kind

    def _planned_at(self, cell: str, problems: list[RowProblem]) -> dt.datetime | None:
        if not cell:
            return None
        try:
            return self.field.clean(cell)
        except ValidationError as error:
            message = _("“%(value)s” is not a date and time in %(zone)s (YYYY-MM-DD HH:MM) nor ISO 8601 with an "
                        "offset: %(reason)s")  # fmt: skip
            details = {"value": cell, "zone": self.organisation.timezone, "reason": " ".join(error.messages)}
            problems.append(RowProblem("planned_at", "date_time", message % details))
            return None

    def _platforms(self, cell: str, problems: list[RowProblem]) -> list[str]:
        found = []
        for word in plan_columns.words(cell):
            if (platform := PLATFORMS.get(word.casefold())) is None:
                message = _("Unknown platform “%(platform)s”; use %(known)s.")
                problems.append(RowProblem("platforms", "unknown_platform", message % {
                    "platform": word, "known": ", ".join(Platform.values)}))  # fmt: skip
            elif platform not in found:
                found.append(platform)
        return found

    def _languages(self, cell: str, campaign: Campaign | None, problems: list[RowProblem]) -> list[str]:
        found = []
        for code in plan_columns.words(cell.casefold()):
            if code not in CONTENT_LANGUAGE_CODES:
                message = _("Unknown language code “%(code)s”; use codes such as en, fr, ar.")
                problems.append(RowProblem("languages", "unknown_language", message % {"code": code}))
            elif campaign is not None and code not in (allowed := campaign.effective_languages):
                message = _("The campaign does not use %(code)s; it uses %(allowed)s.")
                problems.append(RowProblem("languages", "language_not_in_campaign", message % {
                    "code": code, "allowed": ", ".join(allowed)}))  # fmt: skip
            else:
                found.append(code)
        return found

    def _hashtags(self, cell: str, problems: list[RowProblem]) -> list[str]:
        tags = []
        for word in plan_columns.words(cell):
            tag = word if word.startswith("#") else f"#{word}"
            try:
                HASHTAG_PATTERN(tag)
            except ValidationError as error:
                problems.append(RowProblem("hashtags", "hashtag", f"“{word}”: {' '.join(error.messages)}"))
            else:
                tags.append(tag)
        return tags

    def _assets(self, cell: str, problems: list[RowProblem]) -> list[MediaAsset]:
        found = []
        for name in plan_columns.list_items(cell):
            matches = self.assets.get(name.casefold(), [])
            if not matches:
                message = _("No file of the library is named “%(name)s”: upload it to the library first.")
                problems.append(RowProblem("media", "unknown_media", message % {"name": name}))
            elif len({asset.pk for asset in matches}) > 1:
                message = _("Several files of the library are named “%(name)s”; give the stored name, e.g. %(stored)s.")
                details = {"name": name, "stored": matches[0].file.name}
                problems.append(RowProblem("media", "ambiguous_media", message % details))
            else:
                found.append(matches[0])
        return found

    def _sources(self, cell: str, problems: list[RowProblem], *, validate: bool = True) -> list[str]:
        links = []
        max_chars = Source._meta.get_field("url").max_length
        for link in plan_columns.list_items(cell, plan_columns.LINKS):
            if not validate:
                links.append(link)
                continue
            try:
                URLS(link)
                if len(link) > max_chars:
                    raise ValidationError(
                        _("Ensure this value has at most %(limit)s characters.") % {"limit": max_chars}
                    )
            except ValidationError as error:
                problems.append(RowProblem("sources", "source_url", f"“{link}”: {' '.join(error.messages)}"))
            else:
                links.append(link)
        return links

    def _health_advice(self, cell: str, problems: list[RowProblem]) -> bool:
        value = cell.casefold()
        if value not in plan_columns.YES | plan_columns.NO:
            message = _("“%(value)s” is not yes or no.")
            problems.append(RowProblem("health_advice", "yes_or_no", message % {"value": cell}))
        return value in plan_columns.YES


def title_from(text: str) -> str:
    """A title for a row that gives none: the text's first line, cut at a word."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= TITLE_FROM_TEXT_CHARS:
        return line
    return line[:TITLE_FROM_TEXT_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def import_key(
    organisation: Organisation, item: ContentItem, platforms: list[str], languages: list[str],
    assets: list[MediaAsset], links: list[str],
) -> str:  # fmt: skip
    """The row's identity: a hash of its organisation and of every value it gives, normalised (the time in UTC,
    platforms and languages sorted), so that a row imported once is known again in any file."""
    planned_at = item.planned_at.astimezone(dt.UTC).isoformat() if item.planned_at else ""
    values = [
        organisation.pk, item.campaign.pk, item.kind, planned_at, sorted(platforms), sorted(languages), item.title,
        item.master_text, [asset.pk for asset in assets], links, item.is_health_advice,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def _field_problems(instance: ContentItem, columns: dict[str, str], exclude: list[str]) -> list[RowProblem]:
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            RowProblem(columns.get(name, name), "invalid", " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return []
