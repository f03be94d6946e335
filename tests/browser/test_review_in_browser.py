"""In headless Chromium: an editor drafts, fixes a failing check and submits; a manager reviews the diff and approves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from campaigns.models import ContentItem, Notification
from tests.browser.chromium import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture
def card(tmp_path: Path) -> str:
    path = tmp_path / "card.png"
    Image.new("RGB", (120, 150), "#1f7a8c").save(path, "PNG")
    return str(path)


def test_draft_fix_submit_review_the_diff_and_approve(world, live_server, browser, card, transactional_db):
    editor = sign_in(browser, live_server, "eve.editor")

    # Draft an item with two variants from the master text.
    editor.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/items/new/")
    editor.fill("#id_title", "Free flu jabs this weekend")
    editor.fill("#id_master_text", "Free flu jabs at every pharmacy this weekend. #FluVaccine")
    editor.check("input[name=platforms][value=x]")
    editor.check("input[name=platforms][value=mastodon]")
    editor.check("input[name=languages][value=en]")
    editor.click("text=Create draft")
    item = ContentItem.objects.get(title="Free flu jabs this weekend")
    assert item.variants.count() == 2

    # The X variant is too long: the live counter says so as it is typed, then the fix clears it.
    x = item.variants.get(platform="x")
    editor.goto(f"{live_server.url}/items/{item.pk}/edit/#variant-{x.pk}")
    textarea = editor.locator(f"#text-{x.pk}")
    textarea.fill("Free flu jabs " * 30 + "#FluVaccine")
    editor.locator(f"#feedback-{x.pk} .counter.over").wait_for()
    assert "too many" in editor.locator(f"#feedback-{x.pk} .problems").inner_text()
    textarea.fill("Free flu jabs at every pharmacy this weekend, no appointment needed. #FluVaccine")
    editor.locator(f"#feedback-{x.pk} p.ok").wait_for()
    editor.locator(f"#variant-{x.pk} form.variant-form button[type=submit]").click()
    editor.wait_for_load_state()

    # An image with its alt text, uploaded from the editor.
    editor.goto(f"{live_server.url}/items/{item.pk}/edit/#variant-{x.pk}")
    upload = editor.locator(f"#variant-{x.pk} form.upload")
    upload.locator("input[type=file]").set_input_files(card)
    upload.locator("input[name=title]").fill("Pharmacy card")
    upload.locator("input[name=alt_text]").fill("A pharmacist giving a flu jab")
    upload.locator("button").click()
    editor.wait_for_load_state()
    assert x.media.get().alt_text == {"en": "A pharmacist giving a flu jab"}

    editor.goto(f"{live_server.url}/items/{item.pk}/")
    editor.click("button[data-action=submit]")
    editor.wait_for_load_state()
    assert ContentItem.objects.get(pk=item.pk).state == ContentItem.State.IN_REVIEW

    # The manager approves; the editor then changes a word, which sends it back to review.
    manager = sign_in(browser, live_server, "mona.manager")
    manager.goto(f"{live_server.url}/review/")
    manager.click("text=Free flu jabs this weekend")
    manager.click("button[data-action=approve]")
    manager.wait_for_load_state()
    editor.goto(f"{live_server.url}/items/{item.pk}/edit/#variant-{x.pk}")
    editor.locator(f"#text-{x.pk}").fill(
        "Free flu jabs at every pharmacy this Saturday, no appointment needed. #FluVaccine"
    )
    editor.locator(f"#variant-{x.pk} form.variant-form button[type=submit]").click()
    editor.wait_for_load_state()
    assert ContentItem.objects.get(pk=item.pk).state == ContentItem.State.IN_REVIEW

    # The second look shows exactly what changed, and the approval goes through.
    manager.goto(f"{live_server.url}/items/{item.pk}/")
    changes = manager.locator("#changes table.diff").inner_text()
    assert "this weekend" in changes and "this Saturday" in changes
    manager.click("button[data-action=approve]")
    manager.wait_for_load_state()
    assert ContentItem.objects.get(pk=item.pk).state == ContentItem.State.APPROVED

    # The author sees it at the bell.
    editor.goto(f"{live_server.url}/")
    assert editor.locator(".bell .count").inner_text() == str(
        Notification.objects.filter(recipient=world.editor, read_at__isnull=True).count()
    )
    editor.click(".bell")
    assert "was approved" in editor.locator(".inbox").inner_text()
