"""Media library: adding an upload (image or video) to an organisation's library.

The upload is inspected by content (`media_intake`), images are stored cleaned of their metadata
(`media_privacy`), videos remuxed without their metadata (`video_privacy`) with a poster frame
(`video_probe`). Renditions per platform are made from the stored original.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile, File
from django.db import transaction
from PIL import Image

from campaigns import media_privacy, video_privacy, video_probe
from campaigns.media_intake import MediaFacts, inspect_upload
from campaigns.models import MediaAsset, Organisation
from campaigns.renditions import request_renditions

FACT_FIELDS = ("kind", "mime_type", "checksum", "size_bytes", "width", "height", "duration_ms", "codec", "frame_rate")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
VIDEO_EXTENSIONS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}


def prepare_asset(asset: MediaAsset, upload: Any) -> MediaFacts:
    """Inspect `upload` and set on `asset` its facts and the files to store (image or video cleaned, a poster).

    The checksum stays the upload's own, so that the same camera file uploaded again is found."""
    facts = inspect_upload(upload)
    for name in FACT_FIELDS:
        setattr(asset, name, getattr(facts, name))
    stem = upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "upload"
    if facts.kind == MediaAsset.Kind.VIDEO:
        cleaned = video_privacy.remux_without_metadata(video_probe.readable(upload), facts.mime_type)
        upload.seek(0)
        name = f"{stem}.{VIDEO_EXTENSIONS[facts.mime_type]}"  # what it is, not what it was called
        asset.file = File(cleaned, name=name)
        asset.size_bytes = asset.file.size  # what is stored, as for images
        asset.poster = ContentFile(facts.poster_jpeg, name=video_probe.poster_file_name(name))
        return facts
    upload.seek(0)
    with Image.open(upload) as image:
        content, fmt = media_privacy.clean_original(image)
    upload.seek(0)
    asset.file = ContentFile(content, name=f"{stem}.{EXTENSIONS[fmt]}")
    asset.mime_type = Image.MIME[fmt]
    # What is stored, not what came: the platforms' byte limits are checked against this.
    asset.size_bytes = len(content)
    return facts


def add_to_library(
    organisation: Organisation, upload: Any, title: str, alt_text: dict[str, str], uploader: AbstractBaseUser
) -> MediaAsset:
    """Store an uploaded image or video in the library, or return the asset already holding the same upload."""
    return store_upload(organisation, upload, title, alt_text, uploader)[0]


def store_upload(
    organisation: Organisation, upload: Any, title: str, alt_text: dict[str, str], uploader: AbstractBaseUser
) -> tuple[MediaAsset, bool]:
    """`add_to_library`, also saying whether the asset is new (its files were stored by this call)."""
    asset = MediaAsset(organisation=organisation, title=title, alt_text=alt_text, uploaded_by=uploader)
    facts = prepare_asset(asset, upload)
    existing = MediaAsset.objects.filter(organisation=organisation, checksum=facts.checksum).first()
    if existing is not None:
        return existing, False
    asset.full_clean()
    try:
        with transaction.atomic():
            asset.save()
    except BaseException:
        discard_files(asset)
        raise
    request_renditions(asset)  # on the default queue, once the upload commits
    return asset, True


def discard_files(asset: MediaAsset) -> None:
    """Remove an asset's stored files, for a row that is not (or no longer) saved."""
    for field in (asset.file, asset.poster):
        if field and field.name and getattr(field, "_committed", True):
            field.storage.delete(field.name)
