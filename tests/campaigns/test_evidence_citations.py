"""Citations: the campaign's publications CSV names each post's claims with their sources, type and address; myths
and corrections carry claims and sources over to the items they draft."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

from django.test import Client
from django.urls import reverse

from campaigns import myths
from campaigns.corrections import draft_correction
from campaigns.models import Claim, ClinicalReview, ContentItem, Source
from tests import builders
from tests.analytics.history import published_post
from tests.analytics.test_report_exports import needs_pdf_tools

WHO = "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)"
ECDC = "https://www.ecdc.europa.eu/en/seasonal-influenza"


def csv_rows(user, campaign) -> list[dict[str, str]]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("report_publications_csv", args=[campaign.pk]))
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def cited_item(world) -> ContentItem:
    item = world.item
    item.is_health_advice = True
    item.save()
    safe = Claim.objects.create(item=item, text="The vaccine is safe.", position=0)
    Source.objects.create(item=item, claim=safe, url=WHO, kind=Source.Kind.WHO)
    Source.objects.create(item=item, claim=safe, url=ECDC, kind=Source.Kind.NATIONAL_AGENCY)
    free = Claim.objects.create(item=item, text="It is free after 65.", position=1)
    Source.objects.create(
        item=item, claim=free, url="https://health.example.org/flu", kind=Source.Kind.MINISTRY_GUIDANCE
    )
    return item


def test_the_publications_csv_lists_each_posts_claims_with_their_sources(world):
    cited_item(world)
    published_post(world.variant, world.account, dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC))
    other = builders.make_item(world.campaign, "No claims here")
    published_post(builders.make_variant(other), world.account, dt.datetime(2026, 11, 3, 8, tzinfo=dt.UTC))

    cited, uncited = csv_rows(world.editor, world.campaign)

    assert cited["citations"] == (
        f"“The vaccine is safe.” — World Health Organization: {WHO}; National public-health agency: {ECDC}"
        " | “It is free after 65.” — Ministry guidance: https://health.example.org/flu"
    )
    assert uncited["citations"] == ""


@needs_pdf_tools
def test_the_pdf_report_lists_the_sources_cited_by_each_item(world, tmp_path):
    cited_item(world)
    published_post(world.variant, world.account, dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC))
    client = Client()
    client.force_login(world.editor)

    response = client.get(reverse("report_pdf", args=[world.campaign.pk]))

    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "Sources cited" in text and "The vaccine is safe." in text and "It is free after 65." in text
    assert "health.example.org/flu" in text and "National public-health agency" in text


def test_a_correction_copies_the_originals_claims_and_sources_but_not_its_review(world):
    item = cited_item(world)
    builders.make_evidence(item, claims=())
    ContentItem.objects.filter(pk=item.pk).update(state=ContentItem.State.PUBLISHED)

    correction = draft_correction(ContentItem.objects.get(pk=item.pk), world.editor, "The age was wrong.")

    copied = [(c.text, [(s.url, s.kind) for s in c.sources.all()]) for c in correction.claims.all()]
    assert copied == [
        ("The vaccine is safe.", [(WHO, "who"), (ECDC, "national_agency")]),
        ("It is free after 65.", [("https://health.example.org/flu", "ministry_guidance")]),
    ]
    assert not ClinicalReview.objects.filter(item=correction).exists()


def test_answering_a_myth_turns_its_sources_into_the_claim_of_the_drafted_item(world):
    myth = myths.record_myth(
        world.ministry, world.editor, {"claim": "The vaccine gives you flu", "first_seen": dt.date(2026, 11, 1),
                                       "status": "circulating"},
        {"en": "It cannot: it holds no live virus."}, [(WHO, "WHO fact sheet"), (ECDC, "ECDC")],
    )  # fmt: skip

    item = myths.respond(myth, world.campaign, ["mastodon"], world.editor)

    [claim] = item.claims.all()
    assert claim.text == "It cannot: it holds no live virus."
    assert [(s.url, s.title, s.kind) for s in claim.sources.all()] == [
        (WHO, "WHO fact sheet", "who"), (ECDC, "ECDC", "other")
    ]  # fmt: skip
