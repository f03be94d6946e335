"""The demo's myth register: the ministry's answered myth (its response published on the sandbox three days ago,
with the figures collected since) and one still circulating. Rows are looked up by their natural key: a rerun
changes nothing."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from campaigns.demo_content import CDC_FLU_MYTHS, MINISTRY, WHO_FLU, ItemSpec, Kind, P, State
from campaigns.demo_history import columns
from campaigns.demo_rows import upsert
from campaigns.models import Campaign, ContentItem, Myth, MythDebunk, MythResponse, MythSource
from publishing import metrics
from publishing.models import Metric, MetricSchedule, Publication, SocialAccount
from publishing.sandbox.models import SandboxPost
from publishing.sandbox.services import metrics_for

ANSWERED_CLAIM = "The flu vaccine gives you the flu."
DEBUNKS = {
    "en": "The flu vaccine cannot give you the flu: it holds no live virus. A sore arm or a mild fever for a day "
    "is the body building protection. #FluVaccine #ProtectYourself",
    "fr": "Le vaccin ne peut pas vous donner la grippe : il ne contient aucun virus vivant. Un bras douloureux ou un "
    "peu de fièvre un jour, c'est le corps qui se protège. #FluVaccine #ProtectYourself",
    "ar": "لقاح الإنفلونزا لا يمكن أن يسبب الإنفلونزا: فهو لا يحتوي على فيروس حي. ألم في الذراع أو حمى خفيفة ليوم "
    "واحد يعني أن الجسم يبني الحماية. #FluVaccine #ProtectYourself",
}
CIRCULATING_CLAIM = "Antibiotics cure the flu."
CIRCULATING_DEBUNKS = {
    "en": "Antibiotics do not work against the flu, which is a virus. Rest, drink water, and ask a pharmacist. "
    "#FluVaccine #ProtectYourself",
}
RESPONSE_TITLE = "Myth: the flu vaccine gives you the flu"
RESPONSE_PLATFORMS = (P.X, P.MASTODON)


def build_myths(
    campaigns: dict[str, Campaign], users: dict[str, AbstractUser], accounts: dict[tuple[str, str], SocialAccount],
    days: dict[str, date], make_item: Any,
) -> None:  # fmt: skip
    """The ministry's register; `make_item` is the demo's item maker (campaigns/demo.py `_item`)."""
    campaign, editor, today = campaigns["flu"], users["editor"], days[MINISTRY]
    organisation = campaign.organisation
    answered = _myth(organisation, ANSWERED_CLAIM, today - dt.timedelta(days=20), Myth.Status.ANSWERED, editor,
                     DEBUNKS, [WHO_FLU, CDC_FLU_MYTHS])  # fmt: skip
    _myth(organisation, CIRCULATING_CLAIM, today - dt.timedelta(days=4), Myth.Status.CIRCULATING, editor,
          CIRCULATING_DEBUNKS, [WHO_FLU])  # fmt: skip
    languages = [code for code in campaign.effective_languages if code in DEBUNKS]
    spec = ItemSpec(
        "flu", Kind.POST, RESPONSE_TITLE, State.PUBLISHED, "editor", f"Answers the myth “{ANSWERED_CLAIM}”.",
        {code: (DEBUNKS[code], DEBUNKS[code]) for code in languages}, short_on=RESPONSE_PLATFORMS,
        link=WHO_FLU[0], sources=(WHO_FLU, CDC_FLU_MYTHS), when=(-3, 11, 0),
    )  # fmt: skip
    make_item(spec, campaign, users, accounts, today)
    item = ContentItem.objects.get(campaign=campaign, title=RESPONSE_TITLE)
    upsert(MythResponse, {"item": item}, {"myth": answered, "created_by": editor})
    _figures(item)


def _myth(organisation: Any, claim: str, first_seen: date, status: str, editor: AbstractUser,
          debunks: dict[str, str], sources: list[tuple[str, str]]) -> Myth:  # fmt: skip
    myth = Myth.objects.filter(organisation=organisation, claim=claim).first()
    values = {"status": status, "created_by": editor}
    if myth is None:  # the first-seen date is the day it was recorded, not moved by later runs
        values["first_seen"] = first_seen
    myth = upsert(Myth, {"organisation": organisation, "claim": claim}, values)
    for language, text in debunks.items():
        if language in organisation.languages:
            upsert(MythDebunk, {"myth": myth, "language": language}, {"text": text})
    for url, title in sources:
        upsert(MythSource, {"myth": myth, "url": url}, {"title": title})
    return myth


def _figures(item: ContentItem) -> None:
    """The response's figures over the collections already past, as the sandbox would have answered them."""
    now = timezone.now()
    published = Publication.objects.filter(variant__item=item, state=Publication.State.PUBLISHED)
    for publication in published.select_related("account").exclude(metrics__isnull=False):
        # X's and Mastodon's posts are named by the sandbox's own number (campaigns/demo_sandbox.py).
        post = SandboxPost.objects.filter(remote_id=publication.remote_id).first()
        if post is None:
            continue
        slot, last = 0, None
        while (at := metrics.slot_at(publication.published_at, slot)) is not None and at <= now:
            counts = metrics_for(post, at)
            last = Metric.objects.create(publication=publication, slot=slot, collected_at=at, raw=counts,
                                         **columns(publication.account.platform, False, counts))  # fmt: skip
            slot += 1
        if last is None:
            continue
        Metric.objects.filter(pk=last.pk).update(is_latest=True)
        following = metrics.next_slot(publication.published_at, slot - 1, now)
        state = MetricSchedule.State.COLLECTING if following else MetricSchedule.State.DONE
        next_slot, due_at = following or (slot - 1, now)
        MetricSchedule.objects.filter(pk=publication.pk).update(
            state=state, slot=next_slot, due_at=due_at, called_at=last.collected_at
        )
