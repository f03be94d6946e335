"""The demo's corrected post: the ministry published the walk-in hours of a health centre wrong two days ago; its
correction, reviewed and approved like any item, went out the same afternoon as a reply to each original post on X
and Mastodon (on the sandbox, as the adapters post a correction). Rows are looked up by their natural key: a rerun
changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser

from campaigns.demo_content import HEALTH_SITE, WHO_FLU, ItemSpec, Kind, P, State
from campaigns.demo_rows import upsert
from campaigns.models import Campaign, ContentItem, Correction
from publishing.adapters import adapter_for
from publishing.models import Publication, SocialAccount
from publishing.sandbox.models import SandboxPost

ORIGINAL_TITLE = "Walk-in flu jabs at the Central Health Centre"
CORRECTION_TITLE = f"Correction: {ORIGINAL_TITLE}"
REASON = "The centre closes at 18:00, not 14:00: the post sent people away from four hours of walk-in jabs."
ORIGINAL_TEXTS = {
    "en": "Walk-in flu jabs at the Central Health Centre, Monday to Friday 8:00–14:00. No appointment needed. "
    "#FluVaccine #ProtectYourself",
    "fr": "Vaccination antigrippale sans rendez-vous au Centre de santé central, du lundi au vendredi de 8 h à 14 h. "
    "#FluVaccine #ProtectYourself",
    "ar": "التطعيم ضد الإنفلونزا دون موعد في المركز الصحي المركزي، من الاثنين إلى الجمعة من 8:00 إلى 14:00. "
    "#FluVaccine #ProtectYourself",
}
CORRECTION_TEXTS = {
    "en": "Correction: the Central Health Centre gives walk-in flu jabs Monday to Friday 8:00–18:00, not 14:00 as "
    "we wrote. #FluVaccine #ProtectYourself",
    "fr": "Correction : le Centre de santé central vaccine sans rendez-vous du lundi au vendredi de 8 h à 18 h, et "
    "non 14 h. #FluVaccine #ProtectYourself",
    "ar": "تصحيح: يقدم المركز الصحي المركزي التطعيم دون موعد من الاثنين إلى الجمعة من 8:00 إلى 18:00، وليس 14:00. "
    "#FluVaccine #ProtectYourself",
}
PLATFORMS = (P.X, P.MASTODON)
LINK = f"{HEALTH_SITE}/flu-vaccine"
# How each dialect's request names the post a reply answers (as the adapters send it: publishing/adapters/).
REPLY_FIELDS = {
    P.X: lambda remote_id: {"reply": {"in_reply_to_tweet_id": remote_id}},
    P.MASTODON: lambda remote_id: {"in_reply_to_id": remote_id},
}


def build_corrections(
    campaigns: dict[str, Campaign], users: dict[str, AbstractUser], accounts: dict[tuple[str, str], SocialAccount],
    days: dict[str, date], make_item: Any,
) -> None:  # fmt: skip
    """The corrected post and its correction; `make_item` is the demo's item maker (campaigns/demo.py `_item`)."""
    campaign = campaigns["flu"]
    today = days[campaign.organisation.slug]
    languages = [code for code in campaign.effective_languages if code in ORIGINAL_TEXTS]
    for title, texts, when in (
        (ORIGINAL_TITLE, ORIGINAL_TEXTS, (-2, 10, 0)),
        (CORRECTION_TITLE, CORRECTION_TEXTS, (-2, 15, 0)),
    ):
        spec = ItemSpec(
            "flu", Kind.POST, title, State.PUBLISHED, "editor", "Walk-in hours of the Central Health Centre.",
            {code: (texts[code], texts[code]) for code in languages}, short_on=PLATFORMS, link=LINK,
            sources=(WHO_FLU,), when=when,
        )  # fmt: skip
        make_item(spec, campaign, users, accounts, today)
    original = ContentItem.objects.get(campaign=campaign, title=ORIGINAL_TITLE)
    correction = ContentItem.objects.get(campaign=campaign, title=CORRECTION_TITLE)
    upsert(
        Correction, {"correction": correction}, {"original": original, "decided_by": users["editor"], "reason": REASON}
    )
    _as_replies(correction)


def _as_replies(correction: ContentItem) -> None:
    """Each of the correction's posts as the reply to the original's post on its account that the adapter sent."""
    published = Publication.objects.filter(variant__item=correction, state=Publication.State.PUBLISHED)
    for publication in published.select_related("variant", "account"):
        platform = publication.account.platform
        answered = adapter_for(platform).answered_post(publication)
        post = SandboxPost.objects.filter(account__platform=platform, remote_id=publication.remote_id).first()
        if answered is None or post is None or post.reply_to:
            continue
        # X's and Mastodon's posts are named by the sandbox's own number (campaigns/demo_sandbox.py).
        payload = post.payload | REPLY_FIELDS[platform](answered.remote_id)
        SandboxPost.objects.filter(pk=post.pk).update(reply_to=answered.remote_id, payload=payload)
