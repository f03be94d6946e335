"""HTML to PDF with WeasyPrint, for the campaign report's printed version.

WeasyPrint lays text out with Pango (a system library: libpango-1.0-0 and libpangoft2-1.0-0 on Debian), found
when it is first imported; a machine without it can still serve everything else, so the import waits until a
PDF is asked for and its failure is told apart (`PdfUnavailable`) from a bug.
"""

from __future__ import annotations

import logging
import time

from PIL import ImageFile

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs are not installed here."""


def render_pdf(html: str, name: str) -> bytes:
    """The HTML page as PDF bytes; `name` says which document in the log."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: cffi could not load Pango
        raise PdfUnavailable(f"PDF export needs WeasyPrint and Pango ({error})") from error
    finally:
        # Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images: the library's
        # intake would then take a cut-short JPEG. Our PDFs hold no raster image, so Pillow stays strict.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    started = time.monotonic()
    # The page carries its styles and charts inline: nothing is fetched, so no text in it can make the server
    # read a local file or call an internal address while rendering.
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    logger.info("rendered %s as PDF: %d bytes in %.2f s", name, len(pdf), time.monotonic() - started)
    return pdf
