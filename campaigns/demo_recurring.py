"""The demo's recurring prevention post: a reminder repeated weekly in the ministry's wall-clock time."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth.models import AbstractUser

from campaigns import workflow
from campaigns.demo_content import LEADS, MINISTRY, REVIEWERS, P
from campaigns.demo_rows import upsert
from campaigns.models import Campaign, ContentItem, Variant
from publishing.models import Recurrence, SocialAccount

TITLE = "Weekly reminder: wash your hands, cover your cough"
TEXT = (
    "Flu spreads by hands and coughs. Wash your hands often, cough into your elbow and stay home when ill. "
    "#FluVaccine #ProtectYourself"
)
# Monday, Wednesday and Friday at nine, twelve times: a facebook post (its adapter asks the network for no limits).
WEEKDAYS, AT, TIMES = [0, 2, 4], time(9, 0), 12


def build_recurring(
    campaigns: dict[str, Campaign], accounts: dict[tuple[str, str], SocialAccount],
    users: dict[str, AbstractUser], days: dict[str, date],
) -> None:  # fmt: skip
    """Make the recurring post once: drafted, approved, its repeats scheduled from tomorrow; a rerun leaves it."""
    from publishing import recurrence

    campaign = campaigns["flu"]
    item = upsert(ContentItem, {"campaign": campaign, "title": TITLE}, {"author": users["editor"]})
    if Recurrence.objects.filter(item=item).exists() or item.state != ContentItem.State.DRAFT:
        return
    upsert(Variant, {"item": item, "platform": P.FACEBOOK, "language": "en"}, {"text": TEXT})
    item = workflow.perform(item, "submit", users["editor"])
    item = workflow.perform(item, "approve", users[REVIEWERS[MINISTRY][0]])
    rule = Recurrence(
        frequency=Recurrence.Frequency.WEEKLY, weekdays=WEEKDAYS, local_time=AT, starts_on=days[MINISTRY] + timedelta(days=1),
        count=TIMES,
    )  # fmt: skip
    targets = [(variant, accounts[MINISTRY, variant.platform]) for variant in item.variants.all()]
    recurrence.schedule_recurring(item, users[LEADS[MINISTRY]], rule, targets)
