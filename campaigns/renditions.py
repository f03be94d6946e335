"""Renditions: each platform's image shapes (its adapter's `image_shapes`) made from one original, and thumbnails.

Made on the `default` queue (`campaigns.tasks.make_renditions`) for the platforms the organisation has accounts
on, after the upload commits, when the focal point moves and when an account on a new platform is connected:
`request_renditions(asset)` / `request_library_renditions(organisation)` (in batches). Making them twice changes
nothing; a rendition cropped around another focal point than the asset's is made again. Rendering happens outside
any transaction; the results are stored in one short one that locks the asset, so two tasks on the same asset
take turns, and a task that rendered around a focal point moved since stores nothing (the move's task does). Adapters upload
`publishing.media_urls.rendition_file(asset, platform)`: the platform's rendition nearest the original's aspect ratio, else the
original. Videos are never converted. An animated GIF is kept as it is where the platform takes it within its
limit; elsewhere its first frame is made to the platform's still shapes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from campaigns import rendering
from campaigns.models import MediaAsset, Organisation, Rendition
from publishing.adapters.shapes import MB, ImageShape

logger = logging.getLogger(__name__)

LIBRARY = "library"
# Images per task when a whole library is asked for (a new platform connected): a 24-megapixel photo takes about
# a second for all its shapes, so a batch stays well under a minute and a library of thousands spreads over workers.
LIBRARY_BATCH = 20
# The library's grid (320 px wide, any height) and the calendar's square chips.
LIBRARY_SHAPES = (
    ImageShape("thumbnail", 320, 4096, ("JPEG", "PNG"), 1 * MB, crop=False),
    ImageShape("square", 96, 96, ("JPEG", "PNG"), 1 * MB),
)


def wanted(asset: MediaAsset, platforms: Iterable[str]) -> dict[tuple[str, str], ImageShape]:
    """The (purpose, shape) pairs this asset should have renditions for, with their shapes."""
    from publishing.adapters import REGISTRY

    found = {(LIBRARY, shape.name): shape for shape in LIBRARY_SHAPES}
    for platform in sorted(set(platforms)):
        shapes = REGISTRY[platform].image_shapes
        animated = [s for s in shapes if s.animated and _keeps_gif(asset, s)]
        # Where the platform takes the animated GIF itself, it is sent as it is; elsewhere, stills of its frame.
        chosen = animated or [s for s in shapes if not s.animated]
        found |= {(platform, shape.name): shape for shape in chosen}
    return found


def connected_platforms(organisation: Organisation) -> set[str]:
    from publishing.models import SocialAccount

    accounts = SocialAccount.objects.filter(organisation=organisation, is_active=True)
    return set(accounts.values_list("platform", flat=True))


def make_renditions(asset: MediaAsset, platforms: Iterable[str] | None = None) -> int:
    """Make the asset's missing and stale renditions (for its organisation's platforms unless told); how many."""
    if asset.kind == MediaAsset.Kind.VIDEO:
        return 0  # no transcoding in this issue: videos are sent as they are
    if platforms is None:
        platforms = connected_platforms(asset.organisation)
    existing = {(r.purpose, r.shape): r for r in asset.renditions.all()}
    todo = {
        key: shape
        for key, shape in wanted(asset, platforms).items()
        if key not in existing or _stale(asset, existing[key])
    }
    if not todo:
        return 0
    with asset.file.open("rb") as file:
        original = file.read()
    focal = (asset.focal_x, asset.focal_y)
    gifs = {key: shape for key, shape in todo.items() if shape.animated}
    stills = {key: shape for key, shape in todo.items() if not shape.animated}
    made = rendering.render(io.BytesIO(original), stills, focal) if stills else {}
    made |= {key: _as_it_is(original) for key in gifs}
    return _store(asset, focal, made)


def request_renditions(asset: MediaAsset) -> None:
    """Have the asset's renditions made on the `default` queue once the current transaction commits."""
    from campaigns.tasks import make_renditions as task

    if asset.kind != MediaAsset.Kind.VIDEO:
        task.delay_on_commit(asset.pk)


def request_library_renditions(organisation: Organisation) -> None:
    """The same for every image of the organisation's library (an account on a new platform was connected)."""
    from campaigns.tasks import make_renditions as task

    asset_ids = list(
        MediaAsset.objects.filter(organisation=organisation).exclude(kind="video").values_list("pk", flat=True)
    )
    for start in range(0, len(asset_ids), LIBRARY_BATCH):
        task.delay_on_commit(*asset_ids[start : start + LIBRARY_BATCH])


def _keeps_gif(asset: MediaAsset, shape: ImageShape) -> bool:
    size = asset.size_bytes or (asset.file.size if asset.file else 0)
    return asset.kind == MediaAsset.Kind.ANIMATED_GIF and 0 < size <= shape.max_bytes


def _stale(asset: MediaAsset, rendition: Rendition) -> bool:
    return (rendition.focal_x, rendition.focal_y) != (asset.focal_x, asset.focal_y)


def _as_it_is(original: bytes) -> rendering.Rendered:
    with Image.open(io.BytesIO(original)) as image:
        return rendering.Rendered(original, "GIF", image.width, image.height)


def _store(asset: MediaAsset, focal: tuple[float, float], made: dict[tuple[str, str], rendering.Rendered]) -> int:
    """Write the files, then record them under a lock on the asset; the files they replace go once it commits."""
    files = {}
    for (purpose, shape), result in made.items():
        name = f"{asset.pk}-{purpose}-{shape}.{rendering.EXTENSION[result.format]}"
        files[purpose, shape] = Rendition.file.field.generate_filename(None, name)
        files[purpose, shape] = Rendition.file.field.storage.save(files[purpose, shape], ContentFile(result.content))
    try:
        with transaction.atomic():
            current = MediaAsset.objects.select_for_update().filter(pk=asset.pk).values_list("focal_x", "focal_y")
            if tuple(current.first() or ()) != focal:
                raise _Moved
            existing = {(r.purpose, r.shape): r for r in Rendition.objects.filter(asset_id=asset.pk)}
            replaced = {existing[key].file.name for key in made if key in existing and existing[key].file}
            replaced -= set(files.values())  # a name freed by a lost file can come back
            for key, result in made.items():
                rendition = existing.get(key) or Rendition(asset=asset, purpose=key[0], shape=key[1])
                rendition.file.name = files[key]
                rendition.mime_type, rendition.size_bytes = result.mime_type, len(result.content)
                rendition.width, rendition.height = result.width, result.height
                rendition.focal_x, rendition.focal_y = focal
                rendition.save()
            transaction.on_commit(lambda: _delete_files(replaced))
    except _Moved:
        _delete_files(files.values())
        return 0
    except BaseException:
        _delete_files(files.values())
        raise
    return len(made)


class _Moved(Exception):
    """The asset's focal point moved (or the asset went) while its renditions were being made."""


def _delete_files(names: Iterable[str]) -> None:
    storage = Rendition.file.field.storage
    for name in names:
        storage.delete(name)
