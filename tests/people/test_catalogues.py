"""The French and Arabic catalogues are complete, pass msgfmt's checks, and build into what Django reads."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from people.catalogues import catalogues, compile_catalogues

PLURAL_FORMS = {"fr": 2, "ar": 6}


def test_there_is_a_catalogue_for_each_language_but_english():
    for domain in ("django", "djangojs"):  # the templates' and Python's strings; the scripts'
        languages = sorted(path.parent.parent.name for path in catalogues() if path.stem == domain)
        assert languages == sorted(code for code, _ in settings.LANGUAGES if code != "en")


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: f"{path.parent.parent.name}-{path.stem}")
def test_every_entry_is_translated_and_none_is_fuzzy(path: Path):
    po = polib.pofile(str(path))
    language = path.parent.parent.name

    assert len(po) > (800 if path.stem == "django" else 3)
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Plural-Forms"].startswith(f"nplurals={PLURAL_FORMS[language]};")
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == PLURAL_FORMS[language], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("path", catalogues(), ids=lambda path: f"{path.parent.parent.name}-{path.stem}")
def test_msgfmt_finds_nothing_wrong(path: Path, tmp_path: Path):
    checked = subprocess.run(
        ["msgfmt", "--check", "--output-file", str(tmp_path / "out.mo"), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_the_built_catalogues_are_what_gettext_reads():
    compile_catalogues()
    (path,) = (path for path in catalogues() if path.parent.parent.name == "ar" and path.stem == "django")
    with path.with_suffix(".mo").open("rb") as built:
        arabic = gettext.GNUTranslations(built)

    assert arabic.gettext("Calendar") == "التقويم"
    # Arabic has six plural forms: zero, one, two, a few (3 to 10), many (11 to 99) and the rest (100…).
    forms = {n: arabic.ngettext("%(n)s item", "%(n)s items", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) == 6
