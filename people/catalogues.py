"""The interface's translations: the .po files in locale/ are the source; their .mo files are built, never committed."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings


def catalogues() -> list[Path]:
    return sorted(path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/*.po"))


def compile_catalogues() -> list[Path]:
    """Builds each .po file's .mo beside it when the .po is newer; returns the ones built.

    polib rather than GNU msgfmt, so that a clone needs nothing but Python (the tests run msgfmt --check where
    it is installed)."""
    built = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        built.append(mo_path)
    return built
