"""Personal data in text about to be published: patient identifiers, e-mail addresses, phone numbers.

Patterns favour the identifiers a health team handles (record and patient numbers, the French
NIR, the Moroccan CIN) in English, French and Arabic wording. Finding one is a hint for a person,
not a proof: the checks quote the fragment so the editor can look at it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers
from django.utils.translation import gettext_noop

# Where our organisations and their audiences are; a number written in international form
# (+33…, +212…) is found whatever the region.
PHONE_REGIONS = ("FR", "MA", "GB", "US")

PATIENT_ID = "patient_id"
EMAIL = "email"
PHONE = "phone"

_NUMBER_LABEL = r"\s*(?:[:#]|n°|no\.?|number)?\s*"
PATIENT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        gettext_noop("medical record number"),
        re.compile(
            rf"(?:\bMRN|\bIPP|\bmedical record|\bn°\s*(?:de\s+)?dossier|رقم\s+الملف(?:\s+الطبي)?){_NUMBER_LABEL}\d{{5,}}\b",
            re.IGNORECASE,
        ),
    ),
    (
        gettext_noop("patient number"),
        # A label is required after "patient": "Journée du patient 2026" is not a patient number.
        re.compile(
            r"(?:\bpatient\s*(?:[:#]|n°|no\.?|number|id)|\bn°\s*(?:de\s+)?patient|رقم\s+المريض)\s*[:#]?\s*\d{4,}\b",
            re.IGNORECASE,
        ),
    ),
    (gettext_noop("identity number"), re.compile(rf"\bID\b{_NUMBER_LABEL}\d{{6,}}\b", re.IGNORECASE)),
    # A CIN (one or two letters, then digits) looks like many product codes, so only after the word CIN.
    (
        gettext_noop("Moroccan identity card number (CIN)"),
        re.compile(rf"\bCIN\b{_NUMBER_LABEL}[A-Z]{{1,2}}\d{{4,7}}\b", re.IGNORECASE),
    ),
]
# French NIR: sex, year, month, department (2A/2B for Corsica), commune, order, then a 2-digit key.
NIR = re.compile(r"(?<!\d)([12]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3})\s?(\d{2})(?!\d)", re.IGNORECASE)
# Not preceded by @ so that a Mastodon handle (@health@mastodon.social) is not taken for an address.
EMAIL_ADDRESS = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")


@dataclass(frozen=True)
class Finding:
    kind: str  # PATIENT_ID, EMAIL or PHONE
    label: str  # what the fragment looks like, e.g. "medical record number" (marked for translation)
    fragment: str  # as written, for the editor to find it
    start: int
    end: int


def find_personal_data(text: str, regions: tuple[str, ...] = PHONE_REGIONS) -> list[Finding]:
    """Patient identifiers, e-mail addresses and phone numbers in `text`, each fragment once."""
    return list(_findings(text, regions))


# The checks run per variant, and an item's variants mostly share its text (a CSV import checks thousands of
# rows of several variants each): the phone matcher, ~1 ms a text with figures in it, runs once per distinct text.
@functools.lru_cache(maxsize=1024)
def _findings(text: str, regions: tuple[str, ...]) -> tuple[Finding, ...]:
    findings = _patient_ids(text)
    if "@" in text:
        findings += [
            Finding(EMAIL, gettext_noop("e-mail address"), m.group(), m.start(), m.end())
            for m in EMAIL_ADDRESS.finditer(text)
        ]
    if any(character.isdigit() for character in text):  # the phone matcher is the slow part
        findings += _phone_numbers(text, regions)
    kept: list[Finding] = []
    covered_until = 0
    for finding in sorted(findings, key=lambda f: (f.start, f.start - f.end)):
        # Of overlapping matches (an MRN also parsed as a phone number, one number found for several
        # regions) the first and longest stays; a fragment repeated in the text is reported once.
        if finding.start >= covered_until and all(f.fragment != finding.fragment for f in kept):
            kept.append(finding)
        covered_until = max(covered_until, finding.end)
    return tuple(kept)


def _patient_ids(text: str) -> list[Finding]:
    findings = [
        Finding(PATIENT_ID, label, match.group(), match.start(), match.end())
        for label, pattern in PATIENT_PATTERNS
        for match in pattern.finditer(text)
    ]
    for match in NIR.finditer(text):
        # The key makes a 15-digit order or invoice number unlikely to pass for a NIR.
        digits = re.sub(r"\s", "", match.group(1)).upper().replace("2A", "19").replace("2B", "18")
        if int(match.group(2)) == 97 - int(digits) % 97:
            findings.append(
                Finding(PATIENT_ID, gettext_noop("French social security number (NIR)"), match.group(), *match.span())
            )
    return findings


def _phone_numbers(text: str, regions: tuple[str, ...]) -> list[Finding]:
    return [
        Finding(PHONE, gettext_noop("phone number"), match.raw_string, match.start, match.end)
        for region in regions
        for match in phonenumbers.PhoneNumberMatcher(text, region)
    ]
