"""In headless Chromium: a manager sends a partner review link; the partner, with no account, reads the preview,
comments and marks it clinically approved; the manager sees it; once revoked, the link opens nothing."""

from __future__ import annotations

import os

import pytest

from campaigns.models import Approval, ContentItem, PartnerFeedback, PartnerLink
from tests import builders
from tests.browser.chromium import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


def test_a_partner_reviews_an_item_through_the_link_and_the_manager_revokes_it(
    world, live_server, browser, transactional_db
):
    builders.make_variant(world.item, "x", text="Get your flu jab at any pharmacy. #FluVaccine")
    manager = sign_in(browser, live_server, "mona.manager")
    manager.goto(f"{live_server.url}/items/{world.item.pk}/")
    panel = manager.locator("#partner-review")
    panel.locator("input[name=partner_name]").fill("Dr Amal Haddad")
    panel.locator("input[name=partner_email]").fill("amal@clinic.example")
    panel.locator("button[type=submit]", has_text="Send the link").click()
    manager.wait_for_load_state()
    link = PartnerLink.objects.get()
    address = manager.locator(f"#partner-link-{link.pk}").input_value()

    partner = browser.new_page()
    partner.goto(address)
    assert "Get your flu jab at any pharmacy." in partner.locator("main").inner_text()
    assert partner.locator("nav").count() == 0
    partner.fill("textarea[name=body]", "Add that people over 65 get it free.")
    partner.click("button[value=comment]")
    partner.wait_for_load_state()
    partner.click("button[value=clinically_approved]")
    partner.wait_for_load_state()
    assert set(PartnerFeedback.objects.values_list("kind", flat=True)) == {"comment", "clinically_approved"}
    assert not Approval.objects.exists()
    assert ContentItem.objects.get(pk=world.item.pk).state == world.item.state

    manager.reload()
    assert "Add that people over 65 get it free." in panel.inner_text()
    assert "clinically approved" in panel.inner_text()
    panel.locator("details.partner-link summary").click()
    panel.locator("button", has_text="Revoke the link").click()
    manager.wait_for_load_state()

    refused = partner.goto(address)
    assert refused.status == 410
    assert "withdrawn" in partner.locator("main").inner_text()
