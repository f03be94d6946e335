"""The myth register: false claims with their debunks per language and sources; answering one drafts an item that
reviewers see flagged, and the myth shows how its published responses did."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns import myths
from campaigns.models import ContentItem, Myth, MythDebunk, MythResponse, MythSource, Variant
from campaigns.myth_selectors import MYTHS_PER_PAGE
from campaigns.workflow import WorkflowError, perform
from publishing import metrics, scheduling
from publishing.models import Metric, MetricSchedule, Publication
from publishing.sandbox.models import SandboxPost
from publishing.sending import send
from tests import builders, processes

CLAIM = "The flu vaccine gives you the flu."
DEBUNK_EN = "The flu vaccine cannot give you the flu: it holds no live virus. #FluVaccine"
DEBUNK_AR = "لقاح الإنفلونزا لا يسبب الإنفلونزا: لا يحتوي على فيروس حي. #FluVaccine"
WHO = "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)"


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_myth(world, claim: str = CLAIM, status: str = Myth.Status.CIRCULATING, **debunks: str) -> Myth:
    return myths.record_myth(
        world.ministry, world.editor, {"claim": claim, "first_seen": dt.date(2026, 10, 1), "status": status},
        debunks or {"en": DEBUNK_EN, "ar": DEBUNK_AR}, [(WHO, "WHO fact sheet: Influenza (seasonal)")],
    )  # fmt: skip


def form_data(claim: str = CLAIM, **extra: str) -> dict[str, str]:
    data = {
        "claim": claim, "first_seen": "2026-10-01", "status": "circulating", "debunk_en": DEBUNK_EN,
        "debunk_fr": "", "debunk_ar": DEBUNK_AR, "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-url": WHO, "sources-0-title": "WHO fact sheet",
    }  # fmt: skip
    return data | extra


# The register


def test_an_editor_records_a_myth_with_its_debunks_and_sources(world):
    response = logged_in(world.editor).post(reverse("myth_new"), form_data())

    myth = Myth.objects.get()
    assert response.status_code == 302 and response.url == reverse("myth_detail", args=[myth.pk])
    assert (myth.organisation, myth.claim, myth.status, myth.created_by) == (
        world.ministry, CLAIM, Myth.Status.CIRCULATING, world.editor,
    )  # fmt: skip
    assert dict(myth.debunks.values_list("language", "text")) == {"en": DEBUNK_EN, "ar": DEBUNK_AR}
    assert list(myth.sources.values_list("url", "title")) == [(WHO, "WHO fact sheet")]
    assert Event.objects.get(action="myth.recorded").object_id == str(myth.pk)


def test_a_myth_without_any_debunk_is_refused_on_the_debunk_field_and_nothing_is_saved(world):
    response = logged_in(world.editor).post(reverse("myth_new"), form_data(debunk_en="", debunk_ar=" "))

    assert response.status_code == 400
    assert "Write the debunk in at least one language." in response.context["form"].errors["debunk_en"]
    assert not Myth.objects.exists()


def test_a_claim_already_in_the_register_is_refused_on_the_claim_field(world):
    make_myth(world)

    response = logged_in(world.editor).post(reverse("myth_new"), form_data(claim=CLAIM.upper()))

    assert response.status_code == 400
    assert response.context["form"].errors["claim"] == ["This claim is already in the organisation's register."]
    assert Myth.objects.count() == 1 and MythDebunk.objects.count() == 2


def test_a_bad_source_address_is_refused_on_its_field(world):
    response = logged_in(world.editor).post(reverse("myth_new"), form_data(**{"sources-0-url": "not a link"}))

    assert response.status_code == 400
    assert response.context["sources"].forms[0].errors["url"]
    assert not Myth.objects.exists()


def test_a_debunk_in_a_language_the_organisation_does_not_use_is_refused(world):
    with pytest.raises(ValidationError) as refusal:
        make_myth(world, en=DEBUNK_EN, de="Die Grippeimpfung macht nicht krank.")

    assert "debunks" in refusal.value.error_dict
    assert not Myth.objects.exists()


def test_editing_a_myth_changes_its_status_debunks_and_sources_and_its_page_shows_the_status_history(world):
    myth = make_myth(world)
    data = form_data(status="dormant", debunk_ar="", debunk_fr="Le vaccin ne donne pas la grippe.") | {
        "sources-0-url": "https://www.cdc.gov/flu/vaccines/", "sources-0-title": "CDC",
    }  # fmt: skip

    response = logged_in(world.manager).post(reverse("myth_edit", args=[myth.pk]), data)

    assert response.status_code == 302
    myth.refresh_from_db()
    assert myth.status == Myth.Status.DORMANT
    assert dict(myth.debunks.values_list("language", "text")) == {
        "en": DEBUNK_EN, "fr": "Le vaccin ne donne pas la grippe.",
    }  # fmt: skip
    assert list(myth.sources.values_list("url", flat=True)) == ["https://www.cdc.gov/flu/vaccines/"]
    event = Event.objects.get(action="myth.edited")
    assert event.details["status"] == ["circulating", "dormant"]
    page = logged_in(world.contributor).get(reverse("myth_detail", args=[myth.pk])).content.decode()
    history = page.split('id="status-history"')[1]
    assert history.index("Circulating") < history.index("Dormant")


def test_saving_an_unchanged_myth_writes_nothing(world):
    myth = make_myth(world)
    count = myth.history.count()

    response = logged_in(world.editor).post(
        reverse("myth_edit", args=[myth.pk]),
        form_data(**{"sources-0-title": "WHO fact sheet: Influenza (seasonal)", "sources-INITIAL_FORMS": "1"}),
    )

    assert response.status_code == 302
    assert myth.history.count() == count
    assert not Event.objects.filter(action="myth.edited").exists()


def test_the_register_lists_the_organisations_myths_filtered_by_status(world):
    make_myth(world)
    make_myth(world, "Garlic cures the flu.", Myth.Status.RETIRED, en="Garlic does not cure the flu.")

    client = logged_in(world.contributor)
    everything = client.get(reverse("myth_list")).content.decode()
    retired = client.get(reverse("myth_list"), {"status": "retired"}).content.decode()

    assert CLAIM in everything and "Garlic cures the flu." in everything
    assert "Garlic cures the flu." in retired and CLAIM not in retired


def test_an_empty_register_says_how_to_start_and_a_filter_that_matches_nothing_says_so(world):
    client = logged_in(world.editor)

    assert "No myth here" in client.get(reverse("myth_list")).content.decode()
    make_myth(world)
    assert "No myth matches these filters." in client.get(reverse("myth_list"), {"status": "dormant"}).content.decode()


def test_the_register_is_paged_and_keeps_its_filter_across_pages(world):
    Myth.objects.bulk_create(
        Myth(organisation=world.ministry, claim=f"Claim {n}", first_seen=dt.date(2026, 1, 1) + dt.timedelta(days=n))
        for n in range(MYTHS_PER_PAGE + 2)
    )

    client = logged_in(world.editor)
    first = client.get(reverse("myth_list"), {"status": "circulating"})
    second = client.get(reverse("myth_list"), {"status": "circulating", "page": 2})

    assert len(first.context["page"].object_list) == MYTHS_PER_PAGE
    assert "status=circulating&amp;page=2" in first.content.decode()
    assert [m.claim for m in second.context["page"].object_list] == ["Claim 1", "Claim 0"]


def test_a_contributor_reads_the_register_but_neither_records_edits_nor_answers(world):
    myth = make_myth(world)
    client = logged_in(world.contributor)

    assert client.get(reverse("myth_list")).status_code == 200
    page = client.get(reverse("myth_detail", args=[myth.pk])).content.decode()
    assert DEBUNK_EN in page and reverse("myth_respond", args=[myth.pk]) not in page
    assert client.post(reverse("myth_new"), form_data(claim="Another")).status_code == 403
    assert client.post(reverse("myth_edit", args=[myth.pk]), form_data(status="retired")).status_code == 403
    respond = {"campaign": world.campaign.pk, "platforms": ["mastodon"]}
    assert client.post(reverse("myth_respond", args=[myth.pk]), respond).status_code == 403
    assert (Myth.objects.count(), ContentItem.objects.count()) == (1, 2)
    with pytest.raises(WorkflowError):
        myths.respond(myth, world.campaign, ["mastodon"], world.contributor)


@pytest.mark.parametrize("name", ["myth_detail", "myth_edit", "myth_respond"])
def test_another_organisations_myth_is_not_found(world, name):
    myth = make_myth(world)
    client = logged_in(world.outsider)

    assert client.get(reverse(name, args=[myth.pk])).status_code == 404
    assert client.post(reverse(name, args=[myth.pk]), form_data(status="retired")).status_code in (404, 405)
    assert CLAIM not in client.get(reverse("myth_list")).content.decode()
    assert Myth.objects.get().status == Myth.Status.CIRCULATING


def test_the_debunks_are_shown_in_their_language_and_direction(world):
    myth = make_myth(world)

    page = logged_in(world.editor).get(reverse("myth_detail", args=[myth.pk])).content.decode()

    assert f'<p lang="ar" dir="rtl">{DEBUNK_AR}</p>' in page
    assert f'<p lang="en" dir="ltr">{DEBUNK_EN}</p>' in page


def test_the_arabic_register_page_is_laid_out_right_to_left(world):
    make_myth(world)
    client = logged_in(world.editor)

    page = client.get(reverse("myth_list"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert 'dir="rtl"' in page.split(">")[1]  # the <html> element


# Responding


def test_responding_drafts_a_health_advice_post_with_a_variant_per_platform_and_language_with_a_debunk(world):
    myth = make_myth(world)  # English and Arabic debunks; the campaign is in English, French and Arabic

    response = logged_in(world.editor).post(
        reverse("myth_respond", args=[myth.pk]), {"campaign": world.campaign.pk, "platforms": ["mastodon", "x"]}
    )

    answer = MythResponse.objects.get(myth=myth)
    item = answer.item
    assert response.status_code == 302 and response.url == reverse("item_edit", args=[item.pk])
    assert (item.campaign, item.kind, item.state, item.is_health_advice, item.author) == (
        world.campaign, ContentItem.Kind.POST, ContentItem.State.DRAFT, True, world.editor,
    )  # fmt: skip
    assert item.title == f"Myth: {CLAIM}"
    variants = {(v.platform, v.language): (v.text, v.link) for v in item.variants.all()}
    assert variants == {
        ("mastodon", "en"): (DEBUNK_EN, WHO), ("mastodon", "ar"): (DEBUNK_AR, WHO),
        ("x", "en"): (DEBUNK_EN, WHO), ("x", "ar"): (DEBUNK_AR, WHO),
    }  # fmt: skip
    assert list(item.sources.values_list("url", "title")) == [(WHO, "WHO fact sheet: Influenza (seasonal)")]
    event = Event.objects.get(action="myth.responded")
    assert event.details["item"] == item.pk and len(event.details["variants"]) == 4


def test_a_debunk_too_long_for_a_platform_is_kept_whole_and_the_checks_say_so(world):
    long_text = "The vaccine holds no live virus. " * 12  # about 400 characters: over X's 280
    myth = make_myth(world, en=long_text)

    item = myths.respond(myth, world.campaign, ["x"], world.editor)

    variant = Variant.objects.get(item=item)
    assert variant.text == long_text.strip()
    page = logged_in(world.editor).get(reverse("item_edit", args=[item.pk])).content.decode()
    assert "text_length" in page or "280" in page


def test_only_the_campaigns_languages_are_answered(world):
    myth = make_myth(world)
    english = builders.make_campaign(world.ministry, "English only", languages=["en"])

    item = myths.respond(myth, english, ["mastodon"], world.editor)

    assert list(item.variants.values_list("language", flat=True)) == ["en"]


def test_a_campaign_with_no_language_of_the_myths_debunks_is_refused_on_the_campaign_field(world):
    myth = make_myth(world, en=DEBUNK_EN)
    french = builders.make_campaign(world.ministry, "Campagne", languages=["fr"])

    response = logged_in(world.editor).post(
        reverse("myth_respond", args=[myth.pk]), {"campaign": french.pk, "platforms": ["mastodon"]}
    )

    assert response.status_code == 400
    [message] = response.context["form"].errors["campaign"]
    assert "French" in message and "English" in message
    assert not MythResponse.objects.exists() and ContentItem.objects.count() == 2


def test_a_campaign_of_another_organisation_is_not_offered_nor_accepted(world):
    myth = make_myth(world)
    client = logged_in(world.editor)

    page = client.get(reverse("myth_respond", args=[myth.pk])).content.decode()
    response = client.post(
        reverse("myth_respond", args=[myth.pk]), {"campaign": world.clinic_campaign.pk, "platforms": ["mastodon"]}
    )

    assert world.clinic_campaign.name not in page
    assert response.status_code == 400 and "campaign" in response.context["form"].errors
    with pytest.raises(ValidationError):
        myths.respond(myth, world.clinic_campaign, ["mastodon"], world.editor)
    assert not MythResponse.objects.exists()


def test_responding_without_a_platform_is_refused_on_the_platforms_field(world):
    myth = make_myth(world)

    response = logged_in(world.editor).post(reverse("myth_respond", args=[myth.pk]), {"campaign": world.campaign.pk})

    assert response.status_code == 400
    assert response.context["form"].errors["platforms"] == ["Choose at least one platform."]
    assert not MythResponse.objects.exists()


def test_the_reviewer_sees_the_response_flagged_with_its_claim_in_the_queue_and_on_the_item(world):
    myth = make_myth(world)
    item = myths.respond(myth, world.campaign, ["mastodon"], world.editor)
    perform(item, "submit", world.editor)
    flag = f"Myth response: {CLAIM}"

    queue = logged_in(world.manager).get(reverse("review_queue")).content.decode()
    page = logged_in(world.manager).get(reverse("item_detail", args=[item.pk])).content.decode()
    other = logged_in(world.manager).get(reverse("item_detail", args=[world.item.pk])).content.decode()

    assert flag in queue and reverse("myth_detail", args=[myth.pk]) in queue
    assert flag in page
    assert "Myth response" not in other


# From the myth to its published, measured response


@pytest.fixture
def live_x(world, live_server, transactional_db):
    """The ministry's X account on the live sandbox."""
    world.x = builders.make_account(
        world.ministry, platform="x", handle="@health_x", api_base_url=f"{live_server.url}/sandbox/x/"
    )
    world.account.is_active = False  # the Mastodon account, elsewhere: not offered, not checked
    world.account.save(update_fields=["is_active"])
    yield world
    processes.wait_for_other_sessions()


def test_a_response_goes_through_review_is_published_on_the_sandbox_and_its_engagement_shows_on_the_myth(live_x):
    world = live_x
    myth = make_myth(world)
    editor = logged_in(world.editor)
    editor.post(reverse("myth_respond", args=[myth.pk]), {"campaign": world.campaign.pk, "platforms": ["x"]})
    item = MythResponse.objects.get(myth=myth).item
    builders.make_evidence(item, claims=())  # the claim is the debunk, backed by the myth's sources

    perform(item, "submit", world.editor)
    perform(item, "approve", world.manager)  # a manager who did not write it
    variants = list(item.variants.order_by("language"))
    publications = scheduling.schedule(item, world.editor, [(v, world.x) for v in variants], timezone.now())
    scheduling.claim_due(timezone.now() + dt.timedelta(seconds=1), 10)
    assert [send(p.pk) for p in publications] == [Publication.State.PUBLISHED] * 2
    # X has no link field: its adapter puts the variant's link (the myth's first source) after the text.
    assert {post.text for post in SandboxPost.objects.all()} == {f"{DEBUNK_EN}\n\n{WHO}", f"{DEBUNK_AR}\n\n{WHO}"}
    assert ContentItem.objects.get(pk=item.pk).state == ContentItem.State.PUBLISHED

    for publication in Publication.objects.filter(pk__in=[p.pk for p in publications]):
        hour = dt.timedelta(hours=1)  # as if the first collection's hour had passed
        Publication.objects.filter(pk=publication.pk).update(published_at=F("published_at") - hour)
        SandboxPost.objects.filter(remote_id=publication.remote_id).update(received_at=F("received_at") - hour)
        MetricSchedule.objects.filter(pk=publication.pk).update(due_at=F("due_at") - hour)
        assert metrics.collect(publication.pk) == "collected"

    page = editor.get(reverse("myth_detail", args=[myth.pk]))
    html = page.content.decode()
    figures = list(Metric.objects.filter(is_latest=True))
    assert len(figures) == 2
    total = sum((m.likes or 0) + (m.shares or 0) + (m.replies or 0) + (m.clicks or 0) for m in figures)
    impressions = sum(m.impressions for m in figures)
    assert impressions > 0
    assert page.context["total_engagement"] == total and page.context["total_impressions"] == impressions
    for metric in figures:
        engaged = (metric.likes or 0) + (metric.shares or 0) + (metric.replies or 0) + (metric.clicks or 0)
        assert f'<span class="engagement">{engaged}</span>' in html
        assert f"<td>{metric.impressions}</td>" in html
    assert html.count("pub-published") == 2
    assert "not collected yet" not in html


# The demo


def test_the_demo_has_a_myth_register_with_one_answered_myth_published_with_figures(db, settings, tmp_path):
    from django.core.management import call_command

    from campaigns.demo_myths import ANSWERED_CLAIM, CIRCULATING_CLAIM

    settings.MEDIA_ROOT, settings.DEBUG = str(tmp_path), True
    call_command("seed_demo", stdout=StringIO())
    counts = {model: model.objects.count() for model in (Myth, MythDebunk, MythSource, MythResponse, Metric)}
    call_command("seed_demo", stdout=StringIO())

    answered = Myth.objects.get(claim=ANSWERED_CLAIM)
    assert answered.status == Myth.Status.ANSWERED
    assert set(answered.debunks.values_list("language", flat=True)) == {"en", "fr", "ar"}
    [response] = answered.responses.all()
    assert response.item.state == ContentItem.State.PUBLISHED
    publications = Publication.objects.filter(variant__item=response.item)
    assert publications.count() == 6 and {p.state for p in publications} == {Publication.State.PUBLISHED}
    assert Metric.objects.filter(publication__in=publications, is_latest=True).count() == 6
    assert Myth.objects.get(claim=CIRCULATING_CLAIM).status == Myth.Status.CIRCULATING
    assert {model: model.objects.count() for model in counts} == counts  # a second run changes nothing
