"""The columns of a content plan in CSV, defined once for the template, the import and the export.

One row is one content item, with one variant per platform and language it lists. A cell of several values
separates them by spaces or commas (platforms, languages, hashtags) or by semicolons or new lines (media file
names, which may hold spaces, and source links). What the export writes, the import reads back to the same item.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from analytics.exports import FORMULA_STARTS


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Promise


COLUMNS = (
    Column("campaign", True, _("The campaign's name, as in the planner.")),
    Column("kind", False, _("post, infographic, video or alert; empty: post.")),
    Column("planned_at", True, _("Date and time, YYYY-MM-DD HH:MM in the organisation's time zone, or ISO 8601 with "
                                 "an offset (2027-03-01T09:00+01:00).")),
    Column("platforms", True, _("Where it goes: x, facebook, instagram, threads, linkedin, youtube, mastodon, bluesky.")),
    Column("languages", True, _("Language codes among the campaign's, e.g. en fr ar: one variant per platform and "
                                "language.")),
    Column("title", False, _("The item's title; empty: the text's first line.")),
    Column("text", True, _("The message; each variant starts from it.")),
    Column("media", False, _("File names of images or videos already in the library, separated by semicolons.")),
    Column("hashtags", False, _("Added on the text's last line, e.g. #FluVaccine #GetVaccinated.")),
    Column("sources", False, _("Links backing the health claims, separated by semicolons or spaces.")),
    Column("health_advice", False, _("yes if the item gives health advice (it then needs a source); empty: no.")),
)  # fmt: skip
NAMES = tuple(column.name for column in COLUMNS)
REQUIRED = frozenset(column.name for column in COLUMNS if column.required)
# Written by the export for the reader, ignored by the import: the item is created again as a draft.
READ_ONLY = ("item", "state")

WORDS = re.compile(r"[\s,]+")
LIST_ITEMS = re.compile(r"[;\n]+")
LINKS = re.compile(r"[;\s]+")
YES = frozenset({"yes", "y", "true", "1", "oui", "نعم"})
NO = frozenset({"", "no", "n", "false", "0", "non", "لا"})
LOCAL_FORMAT = "%Y-%m-%d %H:%M"


def words(cell: str) -> list[str]:
    """The values of a cell separated by spaces or commas, each once, in order."""
    return list(dict.fromkeys(part for part in WORDS.split(cell.strip()) if part))


def list_items(cell: str, separator: re.Pattern[str] = LIST_ITEMS) -> list[str]:
    """The values of a cell separated by semicolons or new lines, each once, in order."""
    return list(dict.fromkeys(part.strip() for part in separator.split(cell) if part.strip()))


def plain(cell: str) -> str:
    """A cell as it was before the export neutralised it against formulas (analytics/exports.py `cell`)."""
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def local_time(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A planned time as the export writes it: the wall time in `zone` with its offset, unambiguous at DST changes."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local.strftime(LOCAL_FORMAT)}{offset[:3]}:{offset[3:]}"


def text_and_hashtags(text: str) -> tuple[str, str]:
    """An item's text split into the `text` and `hashtags` cells: a last line of hashtags only goes to the latter."""
    body, _newline, last = text.rstrip().rpartition("\n")
    tags = last.split()
    if body.strip() and tags and all(re.fullmatch(r"#\w+", tag) for tag in tags):
        return body.rstrip(), " ".join(tags)
    return text, ""


def with_hashtags(text: str, hashtags: list[str]) -> str:
    """The text the import saves: the row's text, then its hashtags on a last line (the inverse of the above)."""
    text = text.strip()
    if not hashtags:
        return text
    return f"{text}\n\n{' '.join(hashtags)}" if text else " ".join(hashtags)
