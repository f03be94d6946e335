"""Keyboard only, in headless Chromium: the editor (tab through the fields, save), the review page (approve, request
changes) and the calendar (move a scheduled publication to another slot without a mouse). Every stop that Tab
reaches on the way must show where the focus is."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.utils import timezone

from campaigns import workflow
from campaigns.models import ContentItem
from publishing.models import Publication
from tests import builders
from tests.browser.chromium import CHROMIUM, launch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

MOST_TAB_PRESSES = 150

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {where: "body", visible: false};
  const style = getComputedStyle(e);
  return {
    where: e.outerHTML.slice(0, 120),
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


@pytest.fixture(scope="module")
def module_browser() -> Iterator[object]:
    # Date fields take their parts in the browser's language's order: day, month, year, hour, minute in en-GB.
    with launch("--lang=en-GB") as chromium:
        yield chromium


def focused_on(page: object, selector: str) -> bool:
    return page.evaluate("(s) => Boolean(document.activeElement && document.activeElement.matches(s))", selector)


def tab_to(page: object, selector: str) -> None:
    """Presses Tab until the focus is on `selector`; each stop on the way must have a visible focus outline."""
    for _ in range(MOST_TAB_PRESSES):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["visible"], f"no visible focus on {focus['where']}"
        if focused_on(page, selector):
            return
    pytest.fail(f"Tab never reached {selector} in {MOST_TAB_PRESSES} presses")


def sign_in_by_keyboard(browser: object, live_server: object, username: str) -> object:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert focused_on(page, "#id_username")  # autofocus
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(builders.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def submit(page: object) -> None:
    """Enter on the focused button, and the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def replace_text(page: object, text: str) -> None:
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def test_the_editor_by_keyboard(world, live_server, module_browser, transactional_db):
    page = sign_in_by_keyboard(module_browser, live_server, "eve.editor")
    page.goto(f"{live_server.url}/items/{world.item.pk}/edit/")

    page.keyboard.press("Tab")
    assert focused_on(page, "a.skip"), "the first stop is the skip link"
    tab_to(page, "#id_title")
    replace_text(page, "Get your flu jab this week")
    tab_to(page, "#item-form button[type=submit]")
    submit(page)
    assert ContentItem.objects.get(pk=world.item.pk).title == "Get your flu jab this week"

    tab_to(page, f"#text-{world.variant.pk}")
    replace_text(page, "Flu season is here: book your free vaccine this week. #FluVaccine")
    page.locator(f"#feedback-{world.variant.pk} p.ok").wait_for()
    tab_to(page, f"#variant-{world.variant.pk} form.variant-form button[type=submit]")
    submit(page)
    world.variant.refresh_from_db()
    assert world.variant.text == "Flu season is here: book your free vaccine this week. #FluVaccine"


def test_review_by_keyboard(world, live_server, module_browser, transactional_db):
    workflow.perform(world.item, "submit", world.editor)
    second = builders.make_item(world.campaign, "Wash your hands often", author=world.editor)
    builders.make_variant(second)
    workflow.perform(second, "submit", world.editor)
    page = sign_in_by_keyboard(module_browser, live_server, "mona.manager")

    page.goto(f"{live_server.url}/review/")
    tab_to(page, f"main a[href='/items/{world.item.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/items/{world.item.pk}/")
    tab_to(page, "button[data-action=approve]")
    submit(page)
    assert ContentItem.objects.get(pk=world.item.pk).state == ContentItem.State.APPROVED

    page.goto(f"{live_server.url}/review/")
    tab_to(page, f"main a[href='/items/{second.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/items/{second.pk}/")
    tab_to(page, "#id_comment")
    page.keyboard.type("Please cite the source of the hand-washing advice.")
    tab_to(page, "button[data-action=request_changes]")
    submit(page)
    second.refresh_from_db()
    assert second.state == ContentItem.State.CHANGES_REQUESTED
    assert second.transitions.last().comment == "Please cite the source of the hand-washing advice."


def step_date_field(page: object, field: object, days: int, hours: int, minutes: int) -> None:
    """Moves the focused datetime-local field forward with the arrow keys alone: ArrowUp on each part to find which
    it is (the browser's locale orders them), then on to the next part with ArrowRight."""
    done = set()
    for _ in range(6):  # at most month, day, year, hour, minute, AM/PM
        before = field.input_value()
        page.keyboard.press("ArrowUp")
        after = field.input_value()
        part = next(name for name, (start, end) in DATE_PARTS.items() if before[start:end] != after[start:end])
        steps = {"day": days, "hour": hours, "minute": minutes}.get(part)
        if steps and part not in done and (part != "hour" or int(after[11:13]) - int(before[11:13]) == 1):
            for _ in range(steps - 1):
                page.keyboard.press("ArrowUp")
            done.add(part)
        else:
            page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
    assert done == {"day", "hour", "minute"}, f"only {done} were found in the date field"


DATE_PARTS = {"year": (0, 4), "month": (5, 7), "day": (8, 10), "hour": (11, 13), "minute": (14, 16)}


def test_move_a_publication_on_the_calendar_by_keyboard(world, live_server, module_browser, transactional_db):
    zone = world.ministry.zone
    tomorrow = timezone.localdate(timezone=zone) + dt.timedelta(days=1)
    if tomorrow.day >= 28:  # the day part of a date field wraps round within its month
        tomorrow += dt.timedelta(days=7)
    planned = dt.datetime.combine(tomorrow, dt.time(10, 0), tzinfo=zone)
    publication = builders.make_publication(world.variant, world.account, scheduled_at=planned)
    page = sign_in_by_keyboard(module_browser, live_server, "mona.manager")
    page.goto(f"{live_server.url}/calendar/?view=week&date={tomorrow.isoformat()}")
    move_link = f".chip[data-id='{publication.pk}'] .chip-move"

    # Escape gives up and puts the focus back where it was.
    tab_to(page, move_link)
    page.keyboard.press("Enter")
    assert focused_on(page, "[data-move-dialog] input[name=when]")
    page.keyboard.press("Escape")
    assert not page.locator("[data-move-dialog]").is_visible()
    assert focused_on(page, move_link)

    # A day later, at 11:30: with the arrow keys in the date field's parts.
    page.keyboard.press("Enter")
    target = planned + dt.timedelta(days=1, hours=1, minutes=30)
    step_date_field(page, page.locator("#move-when"), days=1, hours=1, minutes=30)
    assert page.locator("#move-when").input_value() == target.strftime("%Y-%m-%dT%H:%M")
    page.keyboard.press("Enter")
    status = page.locator(".cal-status")
    status.filter(has_text="Moved").wait_for()
    assert target.strftime("%Y-%m-%d %H:%M") in status.inner_text()

    publication.refresh_from_db()
    assert publication.scheduled_at == target
    assert publication.state == Publication.State.SCHEDULED
    assert focused_on(page, move_link)
    cell = page.locator(f"td[data-drop-date='{target.date().isoformat()}'][data-drop-hour='11']")
    assert cell.locator(f".chip[data-id='{publication.pk}']").count() == 1
