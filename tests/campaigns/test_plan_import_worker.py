"""The plan import's Celery path: the upload's preview and the confirmed import run on a real worker process."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings as django_settings

from campaigns import plan_import
from campaigns.models import ContentItem, PlanImport
from tests.campaigns.plan_files import GOOD, plan_bytes, upload

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("celery_worker_process")]

WAIT_S = 60


def wait_for(plan: PlanImport, state: str) -> PlanImport:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        plan.refresh_from_db()
        if plan.state == state:
            return plan
        time.sleep(0.2)
    raise AssertionError(f"the import stayed {plan.state} (wanted {state}): {plan.failure}")


def test_the_worker_checks_an_upload_then_imports_its_valid_rows_once_confirmed(world, settings, transactional_db):
    # The worker reads the stored file where the planner's settings put media, not in this test's own folder.
    settings.MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(django_settings.DATA_DIR / "media"))
    rows = [GOOD, GOOD | {"title": "Second"}, GOOD | {"kind": "podcast"}]

    plan = wait_for(plan_import.upload_plan(world.ministry, world.editor, upload(plan_bytes(rows))), "previewed")

    assert (plan.valid_rows, plan.problem_rows) == (2, 1)
    plan_import.confirm(plan, world.editor)
    plan = wait_for(plan, "done")
    assert plan.imported_rows == 2
    assert ContentItem.objects.filter(import_key__isnull=False, state="draft").count() == 2
