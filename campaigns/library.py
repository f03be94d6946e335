"""Changing the media library: who may upload and edit, and what an edit of an asset does.

Every change to an asset's description (title, alt text, tags, campaign, focal point) goes through
`edit_asset`: it locks the row, checks the role, validates the whole asset and saves it with history,
so that a refused change saves nothing. A moved focal point has the renditions made again.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import events
from campaigns import workflow
from campaigns.media import add_to_library
from campaigns.models import MediaAsset, Organisation
from campaigns.renditions import request_renditions
from campaigns.row_changes import save_changes
from campaigns.scoping import role_in

ASSET_FIELDS = ("title", "alt_text", "tags", "campaign", "focal_x", "focal_y")
TITLE_MAX_CHARS = MediaAsset._meta.get_field("title").max_length


def can_change_library(user: AbstractBaseUser, organisation: Organisation) -> bool:
    """Whether `user` may upload to and describe the library: the people who may edit content."""
    return role_in(user, organisation) in workflow.EDITING_ROLES


def check_can_change_library(user: AbstractBaseUser, organisation: Organisation) -> None:
    if not can_change_library(user, organisation):
        raise PermissionDenied("Contributors, editors, managers and admins change the library; you cannot.")


def title_from_file_name(name: str) -> str:
    """A title for an upload that was given none: its file name without the extension."""
    return (PurePath(name).stem.replace("_", " ").strip() or name)[:TITLE_MAX_CHARS]


def upload_to_library(organisation: Organisation, uploader: AbstractBaseUser, upload: Any, title: str) -> MediaAsset:
    """Add one uploaded file to the library (the intake decides whether it is acceptable)."""
    check_can_change_library(uploader, organisation)
    with transaction.atomic():
        return add_to_library(organisation, upload, title.strip() or title_from_file_name(upload.name), {}, uploader)


def edit_asset(asset: MediaAsset, editor: AbstractBaseUser, changes: dict[str, Any]) -> MediaAsset:
    """Apply `changes` to an asset's description; returns the asset as saved."""
    if unknown := set(changes) - set(ASSET_FIELDS):
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = MediaAsset.objects.select_for_update().select_related("organisation").get(pk=asset.pk)
        check_can_change_library(editor, locked.organisation)
        changed = save_changes(locked, changes, "Edited in the library")
        if changed:
            events.record(
                locked.organisation, editor, "media.edited", "media", locked.pk, locked.title,
                {"fields": sorted(changed), **({"alt_text": locked.alt_text} if "alt_text" in changed else {})},
            )  # fmt: skip
        if {"focal_x", "focal_y"} & set(changed):
            # Every rendition was cropped around the old point: made again once this commits.
            request_renditions(locked)
    return locked
