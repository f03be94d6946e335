"""The sandbox's X chunked media upload (https://docs.x.com/x-api/media/quickstart/media-upload-chunked).

POST /2/media/upload/initialize promises a media id; each POST …/{id}/append keeps one segment on disk
(under DATA_DIR, so that every web process of the sandbox sees it); POST …/{id}/finalize joins them,
measures the file as every sandbox upload is measured (media.py) and stores it as a SandboxMedia under
the promised id. GIFs and videos are then "processed" for PROCESSING: GET /2/media/upload?command=STATUS
says pending, then succeeded, and a post refuses them until then. POST /2/media/metadata sets alt text.
"""

from __future__ import annotations

import base64
import binascii
import json
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from publishing.sandbox import media as uploads
from publishing.sandbox import services, views
from publishing.sandbox.dialects.x_problems import PROCESSING, inject, media_key, problem_refusal, x_api
from publishing.sandbox.models import FaultScope, SandboxAccount, SandboxMedia

UPLOAD_EXPIRES_S = 24 * 3600  # an upload session, then its media, expire after a day (expires_after_secs)
SEGMENT_INDEX_MAX = 999  # AppendMediaUploadRequest.segment_index maximum in the definition
ALT_TEXT_MAX_CHARS = 1_000  # CreateMediaMetadataMetadataAltText.text maxLength
MEDIA_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime", "video/webm"}


@x_api("POST")
def initialize(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST /2/media/upload/initialize: `media_type`, `total_bytes`, `media_category`: an upload id."""
    if answer := inject(services.take_fault(account, FaultScope.MEDIA)):
        return answer
    body = views._json_body(request)
    if not isinstance(body, dict) or body.get("media_type") not in MEDIA_TYPES:
        raise problem_refusal(400, f"media_type is one of {', '.join(sorted(MEDIA_TYPES))}")
    total = body.get("total_bytes")
    if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
        raise problem_refusal(400, "total_bytes is a whole number of bytes above 0")
    upload_id = services.new_remote_id()
    folder = _folder(upload_id)
    folder.mkdir(parents=True)
    (folder / "session.json").write_text(json.dumps({"account": account.pk, "total_bytes": total, **body}))
    data = {"id": upload_id, "media_key": f"3_{upload_id}", "expires_after_secs": UPLOAD_EXPIRES_S}
    return JsonResponse({"data": data})


@x_api("POST")
def append(request: HttpRequest, account: SandboxAccount, upload_id: str) -> HttpResponse:
    """POST /2/media/upload/{id}/append: one segment, multipart (`media` file) or base64 (`media` field)."""
    if answer := inject(services.take_fault(account, FaultScope.MEDIA)):
        return answer
    folder, _ = _session(account, upload_id)
    fields: dict[str, Any] = request.POST.dict() if request.content_type != "application/json" else {}
    if request.content_type == "application/json" and isinstance(body := views._json_body(request), dict):
        fields = body
    index = str(fields.get("segment_index", ""))
    if not index.isdigit() or int(index) > SEGMENT_INDEX_MAX:
        raise problem_refusal(400, f"segment_index is a whole number from 0 to {SEGMENT_INDEX_MAX}")
    if part := request.FILES.get("media"):
        content = part.read()
    else:
        try:
            content = base64.b64decode(str(fields.get("media", "")), validate=True)
        except (binascii.Error, ValueError):
            raise problem_refusal(400, "media is the segment: a file part, or base64") from None
    if not content:
        raise problem_refusal(400, "media is required: the segment's bytes")
    (folder / f"{int(index):04d}.part").write_bytes(content)
    return JsonResponse({"data": {"expires_at": int(time.time()) + UPLOAD_EXPIRES_S}})


@x_api("POST")
def finalize(request: HttpRequest, account: SandboxAccount, upload_id: str) -> HttpResponse:
    """POST /2/media/upload/{id}/finalize: the segments joined and measured; processing starts for GIF and video."""
    if answer := inject(services.take_fault(account, FaultScope.MEDIA)):
        return answer
    if stored := account.media.filter(remote_id=upload_id).first():
        return JsonResponse({"data": _describe(stored)})  # finalized before: the same answer
    folder, session = _session(account, upload_id)
    content = b"".join(part.read_bytes() for part in sorted(folder.glob("*.part")))
    if len(content) != session["total_bytes"]:
        raise problem_refusal(400, f"the segments hold {len(content)} bytes; initialize said {session['total_bytes']}")
    measured = uploads.check_upload(SimpleUploadedFile("upload", content, session["media_type"]), "")
    media = uploads.store_media(account, measured, "", remote_id=upload_id)
    shutil.rmtree(folder, ignore_errors=True)
    return JsonResponse({"data": _describe(media)})


@x_api("GET")
def status(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """GET /2/media/upload?media_id=…&command=STATUS: the upload's processing_info."""
    if answer := inject(services.take_fault(account)):
        return answer
    return JsonResponse({"data": _describe(_media(account, request.GET.get("media_id", "")))})


@x_api("POST")
def metadata(request: HttpRequest, account: SandboxAccount) -> HttpResponse:
    """POST /2/media/metadata: `{"id", "metadata": {"alt_text": {"text"}}}` sets the media's alt text."""
    if answer := inject(services.take_fault(account)):
        return answer
    body = views._json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise problem_refusal(400, "id is the media id")
    media = _media(account, body["id"])
    alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
    if alt is not None:
        if not isinstance(alt, str) or len(alt) > ALT_TEXT_MAX_CHARS:
            raise problem_refusal(400, f"alt_text.text is a string of at most {ALT_TEXT_MAX_CHARS} characters")
        SandboxMedia.objects.filter(pk=media.pk).update(description=alt)
    return JsonResponse({"data": {"id": media.remote_id, "associated_metadata": body.get("metadata") or {}}})


def _describe(media: SandboxMedia) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": media.remote_id, "media_key": media_key(media), "size": media.size_bytes,
        "expires_after_secs": max(int(UPLOAD_EXPIRES_S - (timezone.now() - media.received_at).total_seconds()), 0),
    }  # fmt: skip
    if media.type == SandboxMedia.Type.IMAGE:
        return data | {"image": {"image_type": media.mime_type, "w": media.width or 0, "h": media.height or 0}}
    left_s = (media.received_at + PROCESSING - timezone.now()).total_seconds()
    if left_s > 0:
        # check_after_secs is whole seconds: 0 while less than one is left (the adapter waits a floor anyway).
        data["processing_info"] = {"state": "in_progress", "check_after_secs": int(left_s), "progress_percent": 50}
    else:
        data["processing_info"] = {"state": "succeeded", "progress_percent": 100}
    return data | ({"video": {"video_type": media.mime_type}} if media.type == SandboxMedia.Type.VIDEO else {})


def _media(account: SandboxAccount, media_id: str) -> SandboxMedia:
    media = account.media.filter(remote_id=media_id).first()
    if media is None:
        raise problem_refusal(400, f"Your media ID is invalid or not finalized: {media_id}")
    return media


def _session(account: SandboxAccount, upload_id: str) -> tuple[Path, dict[str, Any]]:
    folder = _folder(upload_id)
    try:
        session = json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        session = None
    if not upload_id.isdigit() or not session or session.get("account") != account.pk:
        raise problem_refusal(400, f"No upload session {upload_id} for this account: initialize one first")
    return folder, session


def _folder(upload_id: str) -> Path:
    return Path(settings.DATA_DIR) / "sandbox-x-uploads" / (upload_id if upload_id.isdigit() else "invalid")
