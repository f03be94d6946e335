"""In headless Chromium: an editor uploads an image to the library, watches its progress, sees a file
dropped on the zone refused by its rule, opens the new tile and sets the focal point by clicking on the image."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.library import upload_to_library
from campaigns.models import MediaAsset
from tests.browser.chromium import CHROMIUM, sign_in

UPLOAD_BYTES_PER_SECOND = 400_000  # slow enough that the progress bar is seen part way

DROP_A_FAKE_PNG = """() => {
  const files = new DataTransfer();
  files.items.add(new File(["<!doctype html><p>not a picture"], "fake.png", {type: "image/png"}));
  const drop = new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true});
  document.querySelector("[data-dropzone]").dispatchEvent(drop);
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.media_urls"),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def photo(tmp_path: Path) -> str:
    """An incompressible PNG of about a megabyte, so that its upload takes a few seconds when throttled."""
    path = tmp_path / "ward_photo.png"
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(path, "PNG")
    return str(path)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the grid and the detail page are photographed: PLANNER_SCREENSHOTS if set, to look at them."""
    folder = Path(os.environ.get("PLANNER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_upload_with_progress_then_set_the_focal_point(
    world,
    live_server,
    browser,
    photo,
    screenshots,
    transactional_db,
):
    card = io.BytesIO()
    Image.new("RGB", (300, 200), "#1f7a8c").save(card, "PNG")
    upload_to_library(world.ministry, world.editor, SimpleUploadedFile("flu-card.png", card.getvalue()), "Flu card")
    page = sign_in(browser, live_server, "eve.editor")
    page.goto(f"{live_server.url}/library/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
    })  # fmt: skip

    page.set_input_files("#id_file", photo)

    page.wait_for_function(
        "() => { const bar = document.querySelector('#upload-list progress'); return bar && bar.value > 0; }"
    )
    tile = page.locator("#library-grid .tile.new")
    tile.wait_for(timeout=30_000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
    })  # fmt: skip
    assert "added" in page.locator("#upload-list").inner_text()
    assert page.locator("#library-total").inner_text() == "2 images and videos"
    asset = MediaAsset.objects.get(title="ward photo")
    assert tile.inner_text().startswith("ward photo")

    # A file dropped on the zone that is HTML under an image's name: its row names the rule, no tile is added.
    page.evaluate(DROP_A_FAKE_PNG)
    refusal = page.locator("#upload-list li.refused [role=alert]")
    refusal.wait_for()
    assert "not a picture" in refusal.inner_text()
    assert page.locator("#library-grid .tile").count() == 2
    assert MediaAsset.objects.count() == 2
    page.wait_for_function("() => [...document.images].every((image) => image.complete && image.naturalWidth)")
    page.screenshot(path=str(screenshots / "library-grid.png"), full_page=True)

    tile.locator("a").click()
    page.wait_for_url(f"{live_server.url}/library/{asset.pk}/")
    image = page.locator("img[data-focal-target]")
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.25, abs=0.01)
    page.fill("#id_alt_en", "A ward corridor")
    page.click("form.asset-form button[type=submit]")
    page.wait_for_load_state()

    asset.refresh_from_db()
    assert (asset.focal_x, asset.focal_y) == pytest.approx((0.25, 0.75), abs=0.01)
    assert float(page.input_value("#id_focal_y")) == pytest.approx(0.75, abs=0.01)
    page.screenshot(path=str(screenshots / "asset-detail.png"), full_page=True)
