"""The demo, as `scripts/run` seeds it, publishes on every platform through that platform's own adapter.

Every scheduled publication of the ministry is claimed and sent against the live sandbox, each platform
speaking its own dialect: text, images, a carousel, multi-image and video posts, and first comments.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.demo_content import MINISTRY
from publishing import scheduling
from publishing.models import Publication
from publishing.platforms import Platform
from publishing.sandbox.models import SandboxMedia, SandboxPost
from publishing.sending import send
from tests import processes

P = Publication.State


@pytest.fixture
def demo(settings, live_server, transactional_db, graph_sandbox, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DEBUG = True  # seed_demo refuses to run without it
    settings.PLANNER_SANDBOX_URL = f"{live_server.url}/sandbox/"
    call_command("seed_demo", stdout=StringIO())
    yield
    processes.wait_for_other_sessions()


def test_every_scheduled_publication_of_the_demo_is_published_by_its_platform_adapter(demo):
    scheduled = Publication.objects.filter(state=P.SCHEDULED, account__organisation__slug=MINISTRY)
    count = scheduled.count()
    assert count > len(Platform.values)
    # The demo's posts go out over the coming days; here they are all due at once.
    now = timezone.now()
    scheduled.update(scheduled_at=now - dt.timedelta(seconds=1), latest_acceptable_at=now + dt.timedelta(hours=1))
    claimed, expired = scheduling.claim_due(timezone.now(), 1000)
    assert len(claimed) == count and not expired

    outcomes = [send(pk) for pk in claimed]

    publications = Publication.objects.filter(pk__in=claimed).select_related("account", "variant")
    failed = [
        f"{p.account.platform} {p.variant.language}: {p.last_error}" for p in publications if p.state != P.PUBLISHED
    ]
    assert not failed and set(outcomes) == {P.PUBLISHED}
    posts = SandboxPost.objects.select_related("account")
    assert {post.account.platform for post in posts} == set(Platform.values)
    with_media = {m.account.platform for m in SandboxMedia.objects.filter(post__isnull=False).select_related("account")}
    with_media |= {post.account.platform for post in posts if post.media}
    assert {Platform.YOUTUBE, Platform.LINKEDIN, Platform.INSTAGRAM, Platform.FACEBOOK, Platform.X} <= with_media
