"""The campaign report's exports: publications and tables as CSV read back, the PDF opened and its text read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from analytics import figures, reports
from analytics.templatetags.report import direction
from tests import builders
from tests.analytics.history import published_post

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# No lam-alef in it: see test_the_pdf_holds_the_campaign_its_key_figures_and_its_titles.
ARABIC_TITLE = "حملة التطعيم في المدارس"
FORMULA_TITLE = '=HYPERLINK("http://example.com/x","Click")'


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def weasyprint_missing() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # OSError: Pango could not be loaded
        return f"WeasyPrint or Pango is missing: {error}"
    return None


needs_pdf_tools = pytest.mark.skipif(
    shutil.which("pdftotext") is None or weasyprint_missing() is not None,
    reason=f"PDF tests need pdftotext (Debian's poppler-utils) and Pango: {weasyprint_missing() or 'no pdftotext'}",
)


@pytest.fixture
def history(world):
    """Three posts, figures worked out by hand.

    - "Get your flu jab" on X, 2 Nov 2026 09:00 Paris (+01:00); latest of two collections: 12,500 impressions,
      400 likes, 100 shares, 50 replies, 200 clicks (engagement 750), no video figures.
    - the Arabic item on Mastodon, 20 Oct 2026 14:30 Paris (summer time, +02:00): no impressions (Mastodon
      counts none), 12 likes, 3 shares, 0 replies, no clicks (engagement 15).
    - the formula-like title on X, 3 Nov 2026 18:00, nothing collected yet.
    Totals: 3 posts of 3 items, reach 12,500, engagement 765, rate 750 / 12,500 = 6.0 %.
    """
    x = builders.make_account(world.ministry, "x", handle="@moh_x")
    flu = published_post(
        builders.make_variant(world.item, "x"), x, dt.datetime(2026, 11, 2, 9, tzinfo=PARIS),
        [{"impressions": 300, "likes": 10, "shares": 1, "replies": 0, "clicks": 2},
         {"impressions": 12_500, "likes": 400, "shares": 100, "replies": 50, "clicks": 200}],
    )  # fmt: skip
    flu.remote_url = "https://x.com/moh_x/status/1"
    flu.save(update_fields=["remote_url"])
    arabic_item = builders.make_item(world.campaign, ARABIC_TITLE, kind="infographic")
    arabic = published_post(
        builders.make_variant(arabic_item, "mastodon", "ar", text="التطعيم"), world.account,
        dt.datetime(2026, 10, 20, 14, 30, tzinfo=PARIS),
        [{"impressions": None, "likes": 12, "shares": 3, "replies": 0, "clicks": None}],
    )  # fmt: skip
    formula = published_post(
        builders.make_variant(builders.make_item(world.campaign, FORMULA_TITLE), "x"), x,
        dt.datetime(2026, 11, 3, 18, tzinfo=PARIS),
    )  # fmt: skip
    return {"flu": flu, "arabic": arabic, "formula": formula}


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_publications_csv_reads_back_with_every_column(world, history):
    response = logged_in(world.editor).get(reverse("report_publications_csv", args=[world.campaign.pk]))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="flu-vaccination-publications.csv"'
    rows = read_csv(response)
    assert [row["publication id"] for row in rows] == [
        str(history[name].pk) for name in ("arabic", "flu", "formula")
    ]  # in publishing order
    arabic, flu, formula = rows
    assert flu == {
        "publication id": str(history["flu"].pk), "item id": str(world.item.pk), "item title": "Get your flu jab",
        "kind": "Post", "campaign": "Flu vaccination", "platform": "X", "account handle": "'@moh_x",
        "language": "en", "published at": "2026-11-02T09:00:00+01:00",
        "remote URL": "https://x.com/moh_x/status/1", "impressions": "12500", "likes": "400", "shares": "100",
        "replies": "50", "clicks": "200", "video views": "", "watch time (s)": "", "engagement": "750",
        "collected at": "2026-11-04T09:00:00+01:00", "citations": "",
    }  # fmt: skip
    assert arabic["item title"] == ARABIC_TITLE
    assert (arabic["kind"], arabic["platform"], arabic["language"]) == ("Infographic", "Mastodon", "ar")
    assert arabic["published at"] == "2026-10-20T14:30:00+02:00"  # summer time in Paris
    assert (arabic["impressions"], arabic["replies"], arabic["clicks"]) == ("", "0", "")  # not given is not 0
    assert arabic["engagement"] == "15"
    assert formula["item title"] == "'" + FORMULA_TITLE  # a spreadsheet shows it as text, never runs it
    assert [formula[column] for column in ("impressions", "likes", "engagement", "collected at")] == [""] * 4


@pytest.mark.parametrize("count", [5, 60])
def test_the_publications_csv_reads_the_same_few_queries_whatever_the_campaign_holds(
    world, count, django_assert_max_num_queries
):
    start = dt.datetime(2026, 10, 1, 8, tzinfo=PARIS)
    for n in range(count):
        published_post(world.variant, world.account, start + dt.timedelta(hours=n), [{"likes": n}])
    client = logged_in(world.editor)

    # session, user, their language and zone, whether they owe a second factor, campaign, the citations, the rows
    with django_assert_max_num_queries(7):
        rows = read_csv(client.get(reverse("report_publications_csv", args=[world.campaign.pk])))

    assert len(rows) == count


def test_the_tables_csv_holds_the_report_tables_and_its_totals_are_the_figures_totals(world, history):
    response = logged_in(world.editor).get(reverse("report_tables_csv", args=[world.campaign.pk]))

    assert response.status_code == 200
    rows = read_csv(response)
    assert list(rows[0]) == [
        "table", "row", "posts", "items", "reach", "likes", "shares", "replies", "clicks", "video views",
        "watch time (s)", "engagement", "engagement rate",
    ]  # fmt: skip
    (totals,) = [row for row in rows if row["table"] == "totals"]
    expected = figures.totals(figures.published(variant__item__campaign=world.campaign))
    assert (expected.posts, expected.reach, expected.engagement) == (3, 12_500, 765)
    assert totals == {
        "table": "totals", "row": "all", "posts": "3", "items": "3", "reach": "12500", "likes": "412",
        "shares": "103", "replies": "50", "clicks": "200", "video views": "0", "watch time (s)": "0",
        "engagement": "765", "engagement rate": "0.06",
    }  # fmt: skip
    columns = {"posts": "posts", "items": "items", "reach": "reach", "likes": "likes", "shares": "shares",
               "replies": "replies", "clicks": "clicks", "video views": "video_views",
               "watch time (s)": "watch_time_s", "engagement": "engagement"}  # fmt: skip
    assert {column: int(totals[column]) for column in columns} == {
        column: getattr(expected, name) for column, name in columns.items()
    }
    assert float(totals["engagement rate"]) == expected.rate
    sections = [(row["table"], row["row"]) for row in rows]
    assert sections == [
        ("totals", "all"),
        ("platforms", "X"), ("platforms", "Mastodon"),
        ("kinds", "Post"), ("kinds", "Infographic"),
        ("languages", "English"), ("languages", "Arabic"),
        ("weeks", "2026-10-19"), ("weeks", "2026-10-26"), ("weeks", "2026-11-02"),
        ("top items", "Get your flu jab"), ("top items", ARABIC_TITLE), ("top items", "'" + FORMULA_TITLE),
    ]  # fmt: skip
    mastodon = rows[2]
    assert (mastodon["reach"], mastodon["engagement"], mastodon["engagement rate"]) == ("0", "15", "")


def test_the_tables_csv_draws_no_chart(world, history):
    assert "charts" not in reports.campaign_report(world.campaign, with_charts=False)
    assert set(reports.campaign_report(world.campaign)["charts"]) >= {"weekly", "platforms"}


@needs_pdf_tools
def test_the_pdf_holds_the_campaign_its_key_figures_and_its_titles(world, history, tmp_path):
    response = logged_in(world.editor).get(reverse("report_pdf", args=[world.campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    # pdftotext gives right-to-left text back in reading (logical) order, wrapped in Unicode embedding marks
    # (U+202A-U+202C), which are dropped here. It also spells each lam-alef ligature (لا, لإ) backwards, alef
    # first: the PDF is right but its text layer reads wrong there, hence an Arabic title without one.
    text = "".join(char for char in text if char not in "\u202a\u202b\u202c\u202d\u202e")
    assert "Campaign report: Flu vaccination" in text
    assert "Ministry of Health" in text
    assert "12,500" in text and "765" in text and "6.0 %" in text
    assert "Get your flu jab" in text
    assert ARABIC_TITLE in text
    assert "Page 1 / " in text


def test_the_pdf_is_a_clear_503_where_weasyprint_cannot_be_loaded(world, history, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what a machine without it raises: ImportError

    response = logged_in(world.editor).get(reverse("report_pdf", args=[world.campaign.pk]))

    assert response.status_code == 503
    assert "The PDF cannot be made on this server" in response.text


@pytest.mark.parametrize("name", ["report_publications_csv", "report_tables_csv", "report_pdf"])
def test_another_organisations_member_cannot_export_the_campaign(world, history, name):
    response = logged_in(world.outsider).get(reverse(name, args=[world.campaign.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["report_publications_csv", "report_tables_csv", "report_pdf"])
def test_exports_ask_a_visitor_to_sign_in(world, name):
    response = Client().get(reverse(name, args=[world.campaign.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_page_links_to_its_exports(world):
    text = logged_in(world.editor).get(reverse("campaign_report", args=[world.campaign.pk])).text

    for name in ("report_pdf", "report_tables_csv", "report_publications_csv"):
        assert f'href="{reverse(name, args=[world.campaign.pk])}"' in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [(ARABIC_TITLE, "rtl"), ("2026: حملة COVID", "rtl"), ("«Flu» حملة", "ltr"), ("2026", "ltr"), ("", "ltr")],
)
def test_a_title_is_laid_out_in_the_direction_of_its_first_letter(text, expected):
    assert direction(text) == expected


def test_making_a_pdf_leaves_pillow_refusing_truncated_images(world):
    from PIL import ImageFile

    from analytics.pdf import PdfUnavailable, render_pdf
    from tests import media_files
    from tests.campaigns.test_media_intake import refusal_of

    try:
        render_pdf("<p>Briefing</p>", "a test page")
    except PdfUnavailable as missing:
        pytest.skip(str(missing))

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert refusal_of(media_files.truncated_jpeg(), "photo.jpg").startswith("This image is cut short or damaged")
