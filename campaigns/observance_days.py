"""The built-in health observances: WHO's official days and weeks, written by migration 0016_observances.

(key, name, month, day, length in days, link). The names are marked for the translation catalogues and stored in
English; `Observance.label` translates them when shown.
"""

from django.utils.translation import gettext_noop as N_

WHO = "https://www.who.int/campaigns/"
BUILT_IN: list[tuple[str, str, int, int, int, str]] = [
    ("world-cancer-day", N_("World Cancer Day"), 2, 4, 1, "https://www.worldcancerday.org/"),
    ("world-tb-day", N_("World Tuberculosis Day"), 3, 24, 1, f"{WHO}world-tb-day"),
    ("world-health-day", N_("World Health Day"), 4, 7, 1, f"{WHO}world-health-day"),
    ("world-immunization-week", N_("World Immunization Week"), 4, 24, 7, f"{WHO}world-immunization-week"),
    ("world-malaria-day", N_("World Malaria Day"), 4, 25, 1, f"{WHO}world-malaria-day"),
    ("world-hand-hygiene-day", N_("World Hand Hygiene Day"), 5, 5, 1, f"{WHO}world-hand-hygiene-day"),
    ("world-hypertension-day", N_("World Hypertension Day"), 5, 17, 1, ""),
    ("world-no-tobacco-day", N_("World No Tobacco Day"), 5, 31, 1, f"{WHO}world-no-tobacco-day"),
    ("world-blood-donor-day", N_("World Blood Donor Day"), 6, 14, 1, f"{WHO}world-blood-donor-day"),
    ("world-hepatitis-day", N_("World Hepatitis Day"), 7, 28, 1, f"{WHO}world-hepatitis-day"),
    ("world-breastfeeding-week", N_("World Breastfeeding Week"), 8, 1, 7, f"{WHO}world-breastfeeding-week"),
    ("world-patient-safety-day", N_("World Patient Safety Day"), 9, 17, 1, f"{WHO}world-patient-safety-day"),
    ("world-rabies-day", N_("World Rabies Day"), 9, 28, 1, ""),
    ("world-heart-day", N_("World Heart Day"), 9, 29, 1, "https://world-heart-federation.org/world-heart-day/"),
    ("world-mental-health-day", N_("World Mental Health Day"), 10, 10, 1, f"{WHO}world-mental-health-day"),
    ("world-polio-day", N_("World Polio Day"), 10, 24, 1, ""),
    ("world-pneumonia-day", N_("World Pneumonia Day"), 11, 12, 1, ""),
    ("world-diabetes-day", N_("World Diabetes Day"), 11, 14, 1, f"{WHO}world-diabetes-day"),
    ("world-amr-awareness-week", N_("World Antimicrobial Resistance Awareness Week"), 11, 18, 7,
     f"{WHO}world-amr-awareness-week"),
    ("world-aids-day", N_("World AIDS Day"), 12, 1, 1, f"{WHO}world-aids-day"),
]  # fmt: skip
