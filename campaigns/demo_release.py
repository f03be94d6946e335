"""The demo's coordinated release, outbreak cadence and national observance.

An embargoed announcement goes out at one instant on three accounts in three languages (a Release, on its page and
on the calendar); the flu campaign has the "Outbreak" rhythm (three posts a day per account) set up, with an approved
item for its plan to place, not applied; the ministry keeps one observance of its own, so that January's calendar
shows one too (the built-in list has none in January).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth.models import AbstractUser

from campaigns import observances, workflow
from campaigns.demo_content import LEADS, MINISTRY, REVIEWERS, P
from campaigns.demo_rows import upsert
from campaigns.models import Campaign, ContentItem, Organisation, Variant
from campaigns.models.observances import Observance
from publishing.models import Cadence, Release, SocialAccount

PLATFORMS = (P.MASTODON, P.BLUESKY, P.X)  # short texts: one wording fits all three

RELEASE_TITLE = "This season's flu vaccination figures"
RELEASE_NAME = "Flu vaccination figures"
RELEASE_NOTE = "Embargoed until the minister's press conference; agreed with the national statistics office."
RELEASE_DAY, RELEASE_AT = 2, time(10, 0)  # days from today, the ministry's time
RELEASE_TEXTS = {
    "en": "1.2 million people aged 65 and over are vaccinated against flu this season, 8 in 10 of those invited. "
    "#FluVaccine #ProtectYourself",
    "fr": "1,2 million de personnes de 65 ans et plus sont vaccinées contre la grippe cette saison, 8 sur 10 des "
    "personnes invitées. #FluVaccine #ProtectYourself",
    "ar": "1.2 مليون شخص في سن 65 وما فوق تلقوا لقاح الإنفلونزا هذا الموسم، أي 8 من كل 10 مدعوين. "
    "#FluVaccine #ProtectYourself",
}

OUTBREAK_TITLE = "Flu is circulating: protect the people most at risk"
OUTBREAK_TEXTS = {
    "en": "Flu cases are rising. If you are 65 or over, pregnant or caring for a baby, get your jab this week. "
    "#FluVaccine #ProtectYourself",
    "fr": "Les cas de grippe augmentent. À 65 ans et plus, enceinte ou avec un bébé, faites-vous vacciner cette "
    "semaine. #FluVaccine #ProtectYourself",
    "ar": "حالات الإنفلونزا في ارتفاع. إذا كان عمرك 65 عامًا أو أكثر أو كنتِ حاملًا، خذ اللقاح هذا الأسبوع. "
    "#FluVaccine #ProtectYourself",
}
OUTBREAK_DAYS = 14  # the cadence runs for two weeks from tomorrow

OBSERVANCE = {
    "name": "World Leprosy Day", "month": 1, "weekday": 6, "ordinal": -1, "duration_days": 1,
    "description": "Observed on the last Sunday of January.", "link": "https://www.who.int/campaigns/world-ntd-day",
}  # fmt: skip


def build_release(
    campaigns: dict[str, Campaign], accounts: dict[tuple[str, str], SocialAccount],
    users: dict[str, AbstractUser], days: dict[str, date],
) -> None:  # fmt: skip
    """The embargoed announcement, drafted, approved and scheduled in a new release; a rerun leaves it."""
    from publishing import releases, scheduling

    campaign = campaigns["flu"]
    if Release.objects.filter(organisation=campaign.organisation, name=RELEASE_NAME).exists():
        return
    item = _approved(campaign, RELEASE_TITLE, RELEASE_TEXTS, users)
    instant = scheduling.local_instant(
        days[MINISTRY] + timedelta(days=RELEASE_DAY), RELEASE_AT, campaign.organisation.zone
    )
    targets = [(variant, accounts[MINISTRY, variant.platform]) for variant in item.variants.all()]
    releases.schedule_in_new_release(item, users[LEADS[MINISTRY]], targets, instant, RELEASE_NAME, RELEASE_NOTE)


def build_outbreak_cadence(
    campaigns: dict[str, Campaign], accounts: dict[tuple[str, str], SocialAccount],
    users: dict[str, AbstractUser], days: dict[str, date],
) -> None:  # fmt: skip
    """The "Outbreak" preset set up on the flu campaign, and an approved item for its plan; a rerun leaves them."""
    from publishing import cadence

    campaign = campaigns["flu"]
    name, times, weekdays = cadence.PRESETS["outbreak"]
    if Cadence.objects.filter(campaign=campaign, name=name).exists():
        return
    _approved(campaign, OUTBREAK_TITLE, OUTBREAK_TEXTS, users)
    start = days[MINISTRY] + timedelta(days=1)
    fields = {"name": name, "times": times, "weekdays": weekdays, "starts_on": start,
              "ends_on": start + timedelta(days=OUTBREAK_DAYS - 1)}  # fmt: skip
    chosen = [accounts[MINISTRY, platform] for platform in PLATFORMS]
    cadence.create_cadence(campaign, users[LEADS[MINISTRY]], fields, chosen)


def build_observances(organisation: Organisation, users: dict[str, AbstractUser]) -> None:
    """The built-in observances (a flushed database has lost them) and the ministry's own one."""
    observances.write_built_in()
    if not Observance.objects.filter(organisation=organisation, name=OBSERVANCE["name"]).exists():
        observances.add_observance(organisation, users[LEADS[MINISTRY]], OBSERVANCE)


def _approved(campaign: Campaign, title: str, texts: dict[str, str], users: dict[str, AbstractUser]) -> ContentItem:
    item = upsert(ContentItem, {"campaign": campaign, "title": title}, {"author": users["editor"]})
    if item.state != ContentItem.State.DRAFT:
        return item
    for language, text in texts.items():
        for platform in PLATFORMS:
            upsert(Variant, {"item": item, "platform": platform, "language": language}, {"text": text})
    item = workflow.perform(item, "submit", users["editor"])
    return workflow.perform(item, "approve", users[REVIEWERS[MINISTRY][0]])
