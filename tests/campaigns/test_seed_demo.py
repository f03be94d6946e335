"""The seed_demo command: a complete, valid demo that a second run leaves exactly as it was."""

import dataclasses
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from campaigns import demo, workflow
from campaigns.demo_content import ITEMS, ItemSpec
from campaigns.models import ContentItem, MediaAsset, Rendition, Transition
from publishing.models import Publication
from publishing.platforms import Platform

# Rough limits of the short-text platforms; X counts every link as 23 characters (t.co), the others in full.
TEXT_LIMITS = {Platform.X: 280, Platform.BLUESKY: 300, Platform.MASTODON: 500, Platform.THREADS: 500}
X_LINK_LENGTH = 23


@pytest.fixture
def seed(db: None, settings: Settings, tmp_path: Path) -> Callable[[], str]:
    """Runs the command with media in a temporary folder; returns what it printed."""
    settings.MEDIA_ROOT = str(tmp_path)
    # pytest-django turns DEBUG off, and the command refuses to run without it.
    settings.DEBUG = True

    def run() -> str:
        output = StringIO()
        call_command("seed_demo", stdout=output)
        return output.getvalue()

    return run


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def with_new_english_short_text(title: str, monkeypatch: pytest.MonkeyPatch) -> ItemSpec:
    """Makes the demo data give the item `title` another English short text, as a developer would."""
    spec = next(spec for spec in ITEMS if spec.title == title)
    short, long = spec.texts["en"]
    changed = dataclasses.replace(spec, texts={**spec.texts, "en": (short.replace(".", "!", 1), long)})
    assert changed.texts != spec.texts
    monkeypatch.setattr(demo, "ITEMS", [changed if other is spec else other for other in ITEMS])
    return changed


def test_running_twice_yields_identical_counts_for_every_model_and_the_same_files(
    seed: Callable[[], str], tmp_path: Path
) -> None:
    seed()
    counts, files = row_counts(), files_under(tmp_path)
    seed()
    assert row_counts() == counts
    assert files_under(tmp_path) == files
    stored = MediaAsset.objects.count() + MediaAsset.objects.exclude(poster="").count() + Rendition.objects.count()
    assert len(files) == stored > 0


def test_a_rerun_with_changed_content_sends_a_scheduled_item_back_to_review(
    seed: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    spec = with_new_english_short_text("Flu by the numbers", monkeypatch)
    seed()
    item = ContentItem.objects.get(title=spec.title)
    assert item.state == ContentItem.State.IN_REVIEW
    last = item.transitions.last()
    assert (last.action, last.actor.username) == ("return_to_review", spec.author)
    assert not workflow.is_approved_version(item)
    assert not Publication.objects.filter(variant__item=item).exclude(state=Publication.State.CANCELLED).exists()
    counts = row_counts()
    seed()
    assert row_counts() == counts


def test_a_rerun_never_rewrites_a_published_item(seed: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    seed()
    spec = with_new_english_short_text("Flu vaccine now available for priority groups", monkeypatch)
    counts = row_counts()
    seed()
    assert row_counts() == counts
    item = ContentItem.objects.get(title=spec.title)
    assert item.state == ContentItem.State.PUBLISHED
    assert workflow.is_approved_version(item)


def test_refuses_an_item_an_older_demo_moved_without_history(seed: Callable[[], str]) -> None:
    seed()
    Transition.objects.filter(item__title="Why your donation matters").delete()
    with pytest.raises(CommandError, match="without any review history"):
        seed()


def test_refuses_to_run_when_debug_is_off(db: None, settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not ContentItem.objects.exists()
