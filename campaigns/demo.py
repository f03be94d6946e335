"""The demo: a health ministry and a hospital, with people, campaigns, content, media, accounts and publications.

`build_demo` looks every row up by its natural key and only writes what differs, so running it again
changes nothing (not even history rows) and the same logins keep working. A new item starts as a
draft and reaches its demo state through the workflow, moved by the people who would move it, so it
has the same transitions, approvals and notifications as any other item.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import transaction
from PIL import Image, ImageDraw

from campaigns import (
    demo_corrections,
    demo_evidence,
    demo_history,
    demo_myths,
    demo_partner_review,
    demo_recurring,
    demo_release,
    workflow,
)
from campaigns.demo_content import (
    ALERT_DEADLINE,
    CAMPAIGNS,
    CARDS,
    HANDLES,
    ITEMS,
    LANGUAGE_STAGGER,
    LEADS,
    LOCAL_NAMES,
    MINISTRY,
    ORGANISATIONS,
    PEOPLE,
    POST_DEADLINE,
    REVIEWERS,
    TOKEN_LIFETIME,
    CampaignSpec,
    ItemSpec,
    Kind,
    P,
    State,
    VideoSpec,
)
from campaigns.demo_rows import upsert as _upsert
from campaigns.demo_sandbox import sandbox_account, sandbox_post
from campaigns.editing import FROZEN_STATES
from campaigns.infographics import can_draw, draw_infographic
from campaigns.languages import language_name
from campaigns.models import (
    Campaign,
    Comment,
    ContentItem,
    MediaAsset,
    Membership,
    Organisation,
    Role,
    Variant,
    VariantMedia,
)
from campaigns.renditions import make_renditions
from campaigns.versions import content_hash
from campaigns.video_probe import poster_file_name, probe_video
from publishing import metrics
from publishing.models import Publication, SocialAccount

DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"


class Login(NamedTuple):
    username: str
    role: str
    organisation: str
    password: str


def demo_password(username: str) -> str:
    """The published password of a demo user."""
    return f"demo-{username}-2026"


# The workflow moves from a draft to each demo state; "approve" is made by as many managers as the item needs.
PATHS: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.IN_REVIEW: ("submit",),
    State.CHANGES_REQUESTED: ("submit", "request_changes"),
    State.APPROVED: ("submit", "approve"),
    State.SCHEDULED: ("submit", "approve", "schedule"),
    State.PUBLISHED: ("submit", "approve", "schedule", "mark_published"),
}


def build_demo(today: date | None = None) -> list[Login]:
    """Creates or refreshes the demo around `today` (default: each organisation's own today); returns the logins."""
    with transaction.atomic():
        organisations = {
            slug: _upsert(Organisation, {"slug": slug}, {"name": name, "timezone": zone, "languages": languages})
            for slug, (name, zone, languages) in ORGANISATIONS.items()
        }
        days = {slug: today or organisation.today() for slug, organisation in organisations.items()}
        users, logins = _people(organisations)
        demo_evidence.make_clinicians(users)
        for organisation in organisations.values():
            _logo(organisation)
        campaigns = {
            key: _campaign(spec, organisations, users, days[spec.organisation]) for key, spec in CAMPAIGNS.items()
        }
        accounts = _accounts(organisations, days)
        for spec in ITEMS:
            campaign = campaigns[spec.campaign]
            _item(spec, campaign, users, accounts, days[campaign.organisation.slug])
        for slug, organisation in organisations.items():
            demo_history.build_history(organisation, campaigns, accounts, users, days[slug])
        demo_history.set_targets(campaigns, users)
        demo_partner_review.build_partner_review(users, days[MINISTRY])
        demo_recurring.build_recurring(campaigns, accounts, users, days)
        demo_myths.build_myths(campaigns, users, accounts, days, _item)
        demo_corrections.build_corrections(campaigns, users, accounts, days, _item)
        demo_release.build_release(campaigns, accounts, users, days)
        demo_release.build_outbreak_cadence(campaigns, accounts, users, days)
        demo_release.build_observances(organisations[MINISTRY], users)
        # Made here rather than by a worker, so that the library shows them as soon as the demo starts.
        for asset in MediaAsset.objects.filter(organisation__in=organisations.values()):
            make_renditions(asset)
    return logins


def _people(organisations: dict[str, Organisation]) -> tuple[dict[str, AbstractUser], list[Login]]:
    user_model = get_user_model()
    users: dict[str, AbstractUser] = {}
    logins: list[Login] = []
    for username, first_name, last_name, slug, role in PEOPLE:
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{first_name}.{last_name}@example.org".lower().replace(" ", "")
        user.is_active, user.is_staff, user.is_superuser = True, role in (Role.ADMIN, None), role is None
        password = demo_password(username)
        # Always reset, so that the printed logins work even after someone changed a password.
        user.set_password(password)
        user.full_clean()
        user.save()
        users[username] = user
        if slug is None or role is None:
            logins.append(Login(username, "superuser", "(all organisations)", password))
            continue
        _upsert(Membership, {"user": user, "organisation": organisations[slug]}, {"role": role})
        logins.append(Login(username, str(role.label), organisations[slug].name, password))
    return users, logins


def _logo(organisation: Organisation) -> None:
    """A plain emblem (a cross in a ring) as the organisation's logo, so that the demo's health cards carry one."""
    image = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 312, 312), outline=(31, 122, 140, 255), width=26)
    draw.rectangle((130, 70, 190, 250), fill=(192, 38, 45, 255))
    draw.rectangle((70, 130, 250, 190), fill=(192, 38, 45, 255))
    png = BytesIO()
    image.save(png, "PNG")
    values = {"title": f"{organisation.name} logo", "kind": MediaAsset.Kind.IMAGE, "mime_type": "image/png",
              "alt_text": {organisation.languages[0]: f"{organisation.name} logo"}, "width": 320, "height": 320,
              "tags": ["logo"]}  # fmt: skip
    logo = _stored_asset(organisation, png.getvalue(), "png", values, None)
    if organisation.logo_id != logo.pk:
        organisation.logo = logo
        organisation.save(update_fields=["logo"])


def _campaign(
    spec: CampaignSpec, organisations: dict[str, Organisation], users: dict[str, AbstractUser], today: date
) -> Campaign:
    start, end = spec.days
    values = {
        "goal": spec.goal,
        "start_date": today + timedelta(days=start),
        "end_date": None if end is None else today + timedelta(days=end),
        "hashtags": spec.hashtags,
        "colour": spec.colour,
        "languages": spec.languages,
        "priority": spec.priority,
        "created_by": users[LEADS[spec.organisation]],
    }
    return _upsert(Campaign, {"organisation": organisations[spec.organisation], "name": spec.name}, values)


# What a platform's adapter needs beyond a token (publishing/adapters/linkedin.py posts as this URN).
DEMO_CREDENTIALS = {"linkedin": {"author": "urn:li:organization:2026"}}


def _accounts(organisations: dict[str, Organisation], days: dict[str, date]) -> dict[tuple[str, str], SocialAccount]:
    accounts = {}
    for slug, handles in HANDLES.items():
        organisation = organisations[slug]
        # Midnight, not now: a second run on the same day finds nothing to change.
        expires_at = datetime.combine(days[slug] + TOKEN_LIFETIME, time(0), tzinfo=UTC)
        for platform, handle in handles.items():
            values = {
                "display_name": organisation.name,
                "api_base_url": f"{settings.PLANNER_SANDBOX_URL.rstrip('/')}/{platform}/",
                "credentials": {"access_token": f"demo-token-{platform}", **DEMO_CREDENTIALS.get(platform, {})},
                "token_expires_at": expires_at,
                "is_active": True,
            }
            lookup = {"organisation": organisation, "platform": platform, "handle": handle}
            accounts[slug, platform] = _upsert(SocialAccount, lookup, values)
    return accounts


def _item(
    spec: ItemSpec,
    campaign: Campaign,
    users: dict[str, AbstractUser],
    accounts: dict[tuple[str, str], SocialAccount],
    today: date,
) -> None:
    author = users[spec.author]
    item = ContentItem.objects.filter(campaign=campaign, title=spec.title).first()
    reviewed = item is not None and item.transitions.exists()
    if reviewed and item.state in FROZEN_STATES:
        # As in the editor, published content is never rewritten; a changed spec needs a fresh database.
        return
    before = content_hash(item) if reviewed else ""
    item = _content(spec, campaign, users)
    if not reviewed:
        item = _review(item, spec, users, today)
    elif content_hash(item) != before:
        # The demo's data changed since the last run: an edit like any other (listed as such in the
        # item's timeline), so the workflow reacts.
        item.version += 1
        item._change_reason = "Edited"
        item.save(update_fields=["version", "updated_at"])
        item = workflow.record_edit(item, author)
    if item.state in (State.SCHEDULED, State.PUBLISHED):
        lead, published = users[LEADS[campaign.organisation.slug]], item.state == State.PUBLISHED
        for variant in item.variants.all():
            _publication(variant, accounts[campaign.organisation.slug, variant.platform], spec, today, lead, published)


def _content(spec: ItemSpec, campaign: Campaign, users: dict[str, AbstractUser]) -> ContentItem:
    """The item with its sources, comments, variants and media; a new item starts as a draft."""
    author = users[spec.author]
    values = {"kind": spec.kind, "brief": spec.brief, "is_health_advice": bool(spec.sources), "author": author}
    item = _upsert(ContentItem, {"campaign": campaign, "title": spec.title}, values)
    if spec.sources:
        demo_evidence.claim_with_sources(item, spec)
    for username, body in spec.comments:
        _upsert(Comment, {"item": item, "author": users[username], "body": body}, {})
    cards = _cards(spec, campaign, author)
    video = [_video(spec.video, campaign, author)] if spec.video else []
    languages = campaign.organisation.languages
    for language, (short, long) in spec.texts.items():
        platforms = [(p, short, "") for p in spec.short_on] + [
            (p, long, spec.first_comment.get(language, "")) for p in spec.long_on
        ]
        for platform, text, first_comment in platforms:
            # Instagram captions do not make links clickable, so its variants carry none.
            link = "" if platform == P.INSTAGRAM else spec.link.format(language=language)
            lookup = {"item": item, "platform": platform, "language": language}
            variant = _upsert(Variant, lookup, {"text": text, "link": link, "first_comment": first_comment})
            _attach(variant, video or cards.get(language) or cards.get(languages[0], []))
    return item


def _review(item: ContentItem, spec: ItemSpec, users: dict[str, AbstractUser], today: date) -> ContentItem:
    """Walk a new draft to its demo state through the workflow, each move made by the person who would make it."""
    if item.state != State.DRAFT:
        raise CommandError(
            f"“{item.title}” is {item.state} without any review history: an older demo set its state directly. "
            "Empty the database (manage.py flush) and seed it again."
        )
    organisation = item.campaign.organisation.slug
    actors = {"submit": users[spec.author], "schedule": users[LEADS[organisation]], "mark_published": None}
    for action in PATHS[spec.state]:
        if action == "approve":
            if item.is_health_advice:
                demo_evidence.sign_off(item, users, today)
            reviewers = [users[name] for name in REVIEWERS[organisation] if name != spec.author]
            for reviewer in reviewers[: workflow.approvals_needed(item)]:
                item = workflow.perform(item, action, reviewer)
        elif action == "request_changes":
            # Asked by the reviewer who explains the changes in the item's discussion.
            reviewer = next(name for name, _ in spec.comments if name in REVIEWERS[organisation])
            item = workflow.perform(item, action, users[reviewer], spec.changes_requested)
        else:
            item = workflow.perform(item, action, actors[action])
    return item


def _cards(spec: ItemSpec, campaign: Campaign, uploader: AbstractUser) -> dict[str, list[MediaAsset]]:
    organisation = campaign.organisation
    drawn: dict[str, list[MediaAsset]] = {}
    for key in spec.cards:
        card = CARDS[key]
        alt_text = {language: text for language, text in card.alt.items() if language in organisation.languages}
        for language, (title, figures) in card.faces.items():
            if language not in organisation.languages or not can_draw(language):
                continue
            footer = LOCAL_NAMES.get(organisation.slug, {}).get(language, organisation.name)
            png = draw_infographic(title, figures, campaign.colour, footer, language=language)
            asset_title = f"{card.faces['en'][0]} ({language_name(language)})"
            asset = _asset(organisation, asset_title, png, alt_text, uploader, campaign)
            drawn.setdefault(language, []).append(asset)
    return drawn


def _asset(
    organisation: Organisation,
    title: str,
    png: bytes,
    alt_text: dict[str, str],
    uploader: AbstractUser,
    campaign: Campaign,
) -> MediaAsset:
    with Image.open(BytesIO(png)) as image:
        width, height = image.size
    values = {"title": title, "kind": MediaAsset.Kind.IMAGE, "mime_type": "image/png", "alt_text": alt_text,
              "width": width, "height": height, "campaign": campaign}  # fmt: skip
    return _stored_asset(organisation, png, "png", values, uploader)


def _video(spec: VideoSpec, campaign: Campaign, uploader: AbstractUser) -> MediaAsset:
    organisation = campaign.organisation
    path = DEMO_MEDIA / spec.file
    facts = probe_video(str(path))  # as an upload is measured: dimensions, duration, codec, a poster frame
    poster = _store(f"{organisation.slug}-{poster_file_name(spec.file)}", facts.poster_jpeg, "poster")
    values = {"title": spec.title, "kind": MediaAsset.Kind.VIDEO, "mime_type": facts.mime_type, "alt_text": {},
              "width": facts.width, "height": facts.height, "duration_ms": facts.duration_ms, "codec": facts.codec,
              "frame_rate": facts.frame_rate, "poster": poster, "campaign": campaign}  # fmt: skip
    return _stored_asset(organisation, path.read_bytes(), "mp4", values, uploader)


def _stored_asset(organisation: Organisation, content: bytes, extension: str, values: dict[str, Any],
                  uploader: AbstractUser | None) -> MediaAsset:  # fmt: skip
    """The organisation's asset of this content, its file stored once."""
    checksum = hashlib.sha256(content).hexdigest()
    existing = MediaAsset.objects.filter(organisation=organisation, checksum=checksum).first()
    if existing and existing.file and existing.file.storage.exists(existing.file.name):
        file_name = existing.file.name
    else:
        file_name = _store(f"{organisation.slug}-{checksum[:16]}.{extension}", content)
    values = {**values, "file": file_name, "size_bytes": len(content), "uploaded_by": uploader}
    return _upsert(MediaAsset, {"organisation": organisation, "checksum": checksum}, values)


def _store(filename: str, content: bytes, field: str = "file") -> str:
    file_field = MediaAsset._meta.get_field(field)
    name = file_field.generate_filename(None, filename)
    # A run that rolled back leaves its file behind: reuse it rather than store a second copy.
    if file_field.storage.exists(name):
        with file_field.storage.open(name) as stored:
            if stored.read() == content:
                return name
    return file_field.storage.save(name, ContentFile(content))


def _attach(variant: Variant, assets: list[MediaAsset]) -> None:
    # Cards redrawn differently (another colour, another Pillow) are new assets; drop the old ones' places.
    variant.attachments.exclude(asset__in=assets).delete()
    for position, asset in enumerate(assets):
        _upsert(VariantMedia, {"variant": variant, "asset": asset}, {"position": position})


def _publication(
    variant: Variant, account: SocialAccount, spec: ItemSpec, today: date, creator: AbstractUser, published: bool
) -> None:
    # The instant is part of the unique key, so a later run must find the row without it.
    if Publication.objects.filter(variant=variant, account=account).exists():
        return
    days, hour, minute = spec.when or (0, 9, 0)
    local = datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=account.organisation.zone)
    scheduled_at = (local + list(spec.texts).index(variant.language) * LANGUAGE_STAGGER).astimezone(UTC)
    deadline = ALERT_DEADLINE if spec.kind == Kind.ALERT else POST_DEADLINE
    publication = Publication(
        variant=variant,
        account=account,
        scheduled_at=scheduled_at,
        latest_acceptable_at=scheduled_at + deadline,
        created_by=creator,
    )
    if published:
        publication.published_at = scheduled_at + timedelta(seconds=2)
        # A real post on the sandbox, which the demo's accounts talk to: collecting its metrics works.
        posted = sandbox_post(
            account, sandbox_account(account), f"{spec.title}|{variant.platform}|{variant.language}",
            text=variant.text, link=variant.link, language=variant.language, published_at=publication.published_at,
            is_video=spec.kind == Kind.VIDEO,
        )  # fmt: skip
        posted.post.save()
        publication.remote_id, publication.remote_url = posted.remote_id, posted.remote_url
        publication.state, publication.attempts = Publication.State.PUBLISHED, 1
    publication.full_clean()
    publication.save()
    if published:
        # Its first slot is long past: the beat's next tick collects it, then it follows the slots still ahead.
        metrics.start_collecting(publication.pk, account.pk, publication.published_at)
