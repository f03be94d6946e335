"""The demo's history: months of published posts with the metrics collected from them, so reports show real curves.

Hundreds of items walked through the workflow one move at a time would take most of the seed's time, so they are
written in bulk, in the state they would have reached and with the rows that walk leaves behind: the moves
(Transition), the managers' approvals of their exact content, and, for each publication, its post on the sandbox,
its metric series and its collection schedule. Everything comes from one seeded `random.Random` per organisation, so
a fresh database gets the same history; it is written once, and a later run leaves it alone.

Each post has an eventual audience (platform, kind, language and local time of day and week decide it, with some
noise); its sandbox post carries that audience and the pace it is reached at, and its figures at each collection
slot so far are what the sandbox would have answered then. The beat's next collections continue each series on
the same curve.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from analytics.models import CampaignTarget
from campaigns import workflow
from campaigns.demo_content import HANDLES, HOSPITAL, LANGUAGE_STAGGER, LEADS, MINISTRY, REVIEWERS, Kind, P, State
from campaigns.demo_history_content import (
    GOOD_HOUR_AUDIENCE,
    GOOD_HOURS,
    HISTORY_DAYS,
    ITEMS_PER_DAY,
    KIND_AUDIENCE,
    KIND_PLATFORMS,
    LANGUAGE_AUDIENCE,
    NIGHT_AUDIENCE,
    PAST,
    PLATFORM_AUDIENCE,
    TARGETS,
    WEEKDAY_HOURS,
    WEEKEND_AUDIENCE,
    WEEKEND_HOURS,
    PastCampaign,
)
from campaigns.demo_rows import upsert
from campaigns.demo_sandbox import Posted, sandbox_account, sandbox_post
from campaigns.languages import language_name
from campaigns.models import (
    Approval,
    Campaign,
    ContentItem,
    MediaAsset,
    Organisation,
    Transition,
    Variant,
    VariantMedia,
)
from campaigns.versions import content_hash
from publishing import metrics
from publishing.models import Metric, MetricSchedule, Publication, SocialAccount
from publishing.sandbox.models import SandboxPost
from publishing.sandbox.services import metrics_for

# A post's share of its eventual audience `age` after publishing is age / (age + this): half in a day, 97% in a month.
# The sandbox keeps each post's pace, so a live collection lands on the same curve.
HALF_AUDIENCE_AGE = dt.timedelta(days=1)
HISTORY_BRIEF = "Published earlier in the campaign (the demo's history)."
AUTHORS = {MINISTRY: ("editor", "contributor"), HOSPITAL: ("hospital.editor",)}
BATCH_SIZE = 500


def build_history(
    organisation: Organisation, campaigns: dict[str, Campaign], accounts: dict[tuple[str, str], SocialAccount],
    users: dict[str, AbstractUser], today: dt.date,
) -> None:  # fmt: skip
    """The organisation's published past over HISTORY_DAYS before `today`, unless it has it already."""
    slug = organisation.slug
    if ContentItem.objects.filter(campaign__organisation=organisation, brief=HISTORY_BRIEF).exists():
        return
    rng, now = random.Random(f"demo-history|{slug}"), timezone.now()
    planned = list(_plan(rng, organisation, campaigns, today, now))
    variants = _items(rng, planned, users, organisation)
    on = {platform: sandbox_account(accounts[slug, platform]) for platform in HANDLES[slug]}
    posts, publications = [], []
    for plan, item_variants in zip(planned, variants, strict=True):
        for platform in plan.platforms:
            account = accounts[slug, platform]
            for position, language in enumerate(plan.languages):
                at = plan.when + position * LANGUAGE_STAGGER
                audience = _audience(rng, platform, plan.kind, language, at.astimezone(organisation.zone))
                variant = item_variants[platform, language]
                posted = sandbox_post(
                    account, on[platform], f"history|{slug}|{variant.item_id}|{platform}|{language}", text=variant.text,
                    link=variant.link, language=language, published_at=at, is_video=plan.kind == Kind.VIDEO,
                    audience=audience, half_life=HALF_AUDIENCE_AGE,
                )  # fmt: skip
                posts.append(posted.post)
                publications.append(_publication(variant, account, at, posted, users[LEADS[slug]]))
    SandboxPost.objects.bulk_create(posts, batch_size=BATCH_SIZE)
    Publication.objects.bulk_create(publications, batch_size=BATCH_SIZE)
    _metrics(publications, posts, now)


class Plan(NamedTuple):
    campaign: Campaign
    past: PastCampaign
    kind: str
    when: dt.datetime  # UTC; the first language's, the others LANGUAGE_STAGGER apart
    platforms: list[str]
    languages: list[str]


def _plan(
    rng: random.Random, organisation: Organisation, campaigns: dict[str, Campaign], today: dt.date, now: dt.datetime
) -> Iterable[Plan]:
    """Each past item's plan, oldest first."""
    slug, zone = organisation.slug, organisation.zone
    mine = {key: c for key, c in campaigns.items() if c.organisation_id == organisation.pk and key in PAST}
    weekday_counts, weekend_counts = ITEMS_PER_DAY[slug]
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        running = [key for key, c in sorted(mine.items()) if c.start_date <= day and (c.end_date or day) >= day]
        weekend = day.weekday() >= 5
        for _ in range(rng.choice(weekend_counts if weekend else weekday_counts) if running else 0):
            key = rng.choice(running)
            past = PAST[key]
            kind = rng.choices(list(past.kinds), weights=list(past.kinds.values()))[0]
            hours = WEEKEND_HOURS if weekend else WEEKDAY_HOURS
            hour = rng.choices(list(hours), weights=list(hours.values()))[0]
            when = dt.datetime.combine(day, dt.time(hour, rng.choice((0, 5, 10))), tzinfo=zone).astimezone(dt.UTC)
            if when >= now:
                continue
            yield Plan(campaigns[key], past, kind, when, _platforms(rng, slug, kind), _languages(rng, campaigns[key]))


def _platforms(rng: random.Random, slug: str, kind: str) -> list[str]:
    choices, count = KIND_PLATFORMS[kind]
    available = [platform for platform in choices if platform in HANDLES[slug]]
    if kind == Kind.VIDEO:
        return available[:1] + rng.sample(available[1:], min(count - 1, len(available) - 1))
    return rng.sample(available, min(count, len(available)))


def _languages(rng: random.Random, campaign: Campaign) -> list[str]:
    languages = campaign.effective_languages
    return [rng.choice(languages)] if rng.random() < 0.55 else rng.sample(languages, min(2, len(languages)))


def _audience(rng: random.Random, platform: str, kind: str, language: str, local: dt.datetime) -> int:
    factor = KIND_AUDIENCE[kind] * LANGUAGE_AUDIENCE.get(language, 1.0) * rng.lognormvariate(0, 0.25)
    if local.hour in GOOD_HOURS and local.weekday() < 5:
        factor *= GOOD_HOUR_AUDIENCE
    if local.hour >= 21 or local.hour < 7:
        factor *= NIGHT_AUDIENCE
    if local.weekday() >= 5:
        factor *= WEEKEND_AUDIENCE
    return max(20, int(PLATFORM_AUDIENCE[platform] * factor))


def _items(
    rng: random.Random, planned: list[Plan], users: dict[str, AbstractUser], organisation: Organisation
) -> list[dict[tuple[str, str], Variant]]:
    """The items with their variants, in bulk, then the moves and approvals the workflow would have recorded;
    each item's variants by (platform, language)."""
    items, topics = [], []
    for plan in planned:
        topic = rng.choice(plan.past.topics)
        local = plan.when.astimezone(organisation.zone)
        items.append(ContentItem(
            campaign=plan.campaign, kind=plan.kind, title=f"{topic.title} ({local:%-d %B %H:%M})", brief=HISTORY_BRIEF,
            master_text=topic.texts.get("en", ""), planned_at=plan.when, state=State.PUBLISHED,
            author=users[rng.choice(AUTHORS[organisation.slug])],
        ))  # fmt: skip
        topics.append(topic)
    items = bulk_create_with_history(items, ContentItem, batch_size=BATCH_SIZE, default_change_reason="Published")
    variants = []
    for item, plan, topic in zip(items, planned, topics, strict=True):
        tags = " ".join(plan.campaign.hashtags)
        for platform in plan.platforms:
            for language in plan.languages:
                # Instagram captions do not make links clickable, so its variants carry none (as in demo.py).
                link = "" if platform == P.INSTAGRAM else f"https://health.example.org/{language}/{plan.past.path}"
                text = f"{topic.texts.get(language) or topic.texts['en']} {tags}"
                variants.append(Variant(item=item, platform=platform, language=language, text=text, link=link))
    variants = bulk_create_with_history(variants, Variant, batch_size=BATCH_SIZE, default_change_reason="Created")
    VariantMedia.objects.bulk_create(_attachments(variants, {item.pk: item for item in items}), batch_size=BATCH_SIZE)
    by_item: dict[int, dict[tuple[str, str], Variant]] = {item.pk: {} for item in items}
    for variant in variants:
        by_item[variant.item_id][variant.platform, variant.language] = variant
    _review_trail(items, users, organisation.slug)
    return [by_item[item.pk] for item in items]


def _attachments(variants: list[Variant], items: dict[int, ContentItem]) -> list[VariantMedia]:
    """An infographic's card (in the variant's language where there is one) or a video, of the item's campaign."""
    assets: dict[tuple[int, str], list[MediaAsset]] = {}
    for asset in MediaAsset.objects.filter(campaign__in={item.campaign_id for item in items.values()}).order_by("pk"):
        assets.setdefault((asset.campaign_id, asset.kind), []).append(asset)
    attached = []
    for variant in variants:
        item = items[variant.item_id]
        kind = {Kind.INFOGRAPHIC: MediaAsset.Kind.IMAGE, Kind.VIDEO: MediaAsset.Kind.VIDEO}.get(item.kind)
        if kind is None or not (found := assets.get((item.campaign_id, kind))):
            continue
        in_language = [a for a in found if a.title.endswith(f"({language_name(variant.language)})")] or found
        attached.append(VariantMedia(variant=variant, asset=in_language[item.pk % len(in_language)], position=0))
    return attached


def _review_trail(items: list[ContentItem], users: dict[str, AbstractUser], slug: str) -> None:
    """What walking each item to published leaves behind: submit, approvals of its content, schedule, publish."""
    moves, approvals = [], []
    lead = users[LEADS[slug]]
    for item in items:
        fingerprint = content_hash(item)
        reviewers = [users[name] for name in REVIEWERS[slug] if users[name].pk != item.author_id]
        needed = reviewers[: workflow.approvals_needed(item)]
        at = item.planned_at - dt.timedelta(days=2)
        steps = [("submit", State.DRAFT, State.IN_REVIEW, item.author)]
        for number, manager in enumerate(needed, start=1):
            steps.append(("approve", State.IN_REVIEW, State.APPROVED if number == len(needed) else State.IN_REVIEW,
                          manager))  # fmt: skip
            approvals.append(Approval(item=item, manager=manager, content_hash=fingerprint, item_version=item.version,
                                      created_at=at + dt.timedelta(hours=number)))  # fmt: skip
        steps += [("schedule", State.APPROVED, State.SCHEDULED, lead), ("mark_published", State.SCHEDULED,
                   State.PUBLISHED, None)]  # fmt: skip
        for number, (action, before, after, actor) in enumerate(steps):
            when = item.planned_at if action == "mark_published" else at + dt.timedelta(hours=number)
            moves.append(Transition(item=item, action=action, from_state=before, to_state=after, actor=actor,
                                    content_hash=fingerprint, created_at=when))  # fmt: skip
    _backdated(Transition, moves)
    _backdated(Approval, approvals)


def _backdated(model: type[Transition] | type[Approval], rows: list) -> None:
    # bulk_create stamps auto_now_add fields with now; bulk_update writes the instants these moves were made.
    instants = [row.created_at for row in rows]
    made = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for row, instant in zip(made, instants, strict=True):
        row.created_at = instant
    model.objects.bulk_update(made, ["created_at"], batch_size=BATCH_SIZE)


def _publication(
    variant: Variant, account: SocialAccount, at: dt.datetime, posted: Posted, creator: AbstractUser
) -> Publication:
    return Publication(
        variant=variant, account=account, scheduled_at=at, latest_acceptable_at=at + dt.timedelta(hours=6),
        state=Publication.State.PUBLISHED, attempts=1, published_at=at + dt.timedelta(seconds=2),
        remote_id=posted.remote_id, remote_url=posted.remote_url, created_by=creator,
    )  # fmt: skip


def _metrics(publications: list[Publication], posts: list[SandboxPost], now: dt.datetime) -> None:
    """Each publication's series over the slots already past, its latest flagged, and its next collection."""
    rows, schedules = [], []
    for publication, post in zip(publications, posts, strict=True):
        is_video = publication.variant.item.kind == Kind.VIDEO
        slot, last = 0, None
        while (at := metrics.slot_at(publication.published_at, slot)) is not None and at <= now:
            counts = metrics_for(post, at)  # what the sandbox would have answered then
            last = Metric(publication=publication, slot=slot, collected_at=at, raw=counts,
                          **columns(publication.account.platform, is_video, counts))  # fmt: skip
            rows.append(last)
            slot += 1
        if last is not None:
            last.is_latest = True
        following = metrics.next_slot(publication.published_at, slot - 1, now)
        state = MetricSchedule.State.COLLECTING if following else MetricSchedule.State.DONE
        next_slot, due_at = following or (max(slot - 1, 0), now)
        schedules.append(MetricSchedule(publication=publication, account_id=publication.account_id, state=state,
                                        slot=next_slot, due_at=due_at, called_at=last.collected_at if last else None))  # fmt: skip
    Metric.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    MetricSchedule.objects.bulk_create(schedules, batch_size=BATCH_SIZE)


def columns(platform: str, is_video: bool, counts: dict[str, int]) -> dict[str, int | None]:
    """The sandbox's counts under our columns, as each platform's dialect and adapter pass them on
    (publishing/sandbox/dialects/*.py, then the adapter's `metric_names`); None where a platform gives no figure."""
    impressions, likes, shares, replies, clicks = (counts[name] for name in
                                                   ("impressions", "likes", "shares", "replies", "clicks"))  # fmt: skip
    figures: dict[str, int | None] = dict.fromkeys(metrics.COLUMNS)
    if platform == P.X:
        figures |= {"impressions": impressions, "likes": likes, "shares": shares, "replies": replies}
    elif platform in (P.MASTODON, P.BLUESKY):  # neither counts impressions nor clicks
        figures |= {"likes": likes, "shares": shares, "replies": replies}
    elif platform == P.FACEBOOK and is_video:  # total_video_views; the views are the reach
        figures |= {"impressions": impressions, "video_views": impressions}
    elif platform == P.FACEBOOK:
        figures |= {"impressions": impressions, "likes": likes, "clicks": clicks}
    elif platform == P.INSTAGRAM:
        figures |= {"impressions": impressions, "likes": likes, "replies": replies, "shares": shares}
        if is_video:  # a Reel's total watch time, in ms from the platform
            figures["watch_time_s"] = impressions // 1000
    elif platform == P.THREADS:  # reposts and shares, both reported, are summed
        figures |= {"impressions": impressions, "likes": likes, "replies": replies, "shares": 2 * shares}
    elif platform == P.LINKEDIN:
        figures |= {"impressions": impressions, "likes": likes, "replies": replies, "shares": shares, "clicks": clicks}
    elif platform == P.YOUTUBE:
        figures |= {"impressions": impressions, "video_views": impressions, "likes": likes, "replies": replies}
    return figures


def set_targets(campaigns: dict[str, Campaign], users: dict[str, AbstractUser]) -> None:
    """The campaigns' targets, as their teams set them."""
    for key, measure, target, extra in TARGETS:
        campaign = campaigns[key]
        lookup = {"campaign": campaign, "measure": measure, "kind": extra.get("kind", ""),
                  "platform": extra.get("platform", ""), "label": extra.get("label", "")}  # fmt: skip
        lead = users[LEADS[campaign.organisation.slug]]
        values = {"target": target, "achieved": extra.get("achieved"), "updated_by": lead}
        upsert(CampaignTarget, lookup, values)
