"""The demo's content: organisations, people, campaigns, infographic cards and items, as data.

`campaigns/demo.py` turns this into rows. Figures come from the WHO fact sheets listed as sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from campaigns.models import ContentItem, Priority, Role
from publishing.platforms import Platform

MINISTRY, HOSPITAL = "moh-demo", "riverside-hospital"
TOKEN_LIFETIME = timedelta(weeks=8)
ALERT_DEADLINE = timedelta(minutes=30)
POST_DEADLINE = timedelta(hours=6)
# One account per platform: the language versions go out a quarter of an hour apart, not in one burst.
LANGUAGE_STAGGER = timedelta(minutes=15)

Kind, State, P = ContentItem.Kind, ContentItem.State, Platform
SHORT_PLATFORMS = (P.X, P.BLUESKY, P.MASTODON, P.THREADS)
SUPERUSER = "root"
# Who creates campaigns and schedules publications in each organisation.
LEADS = {MINISTRY: "manager", HOSPITAL: "hospital.editor"}
# Who reviews in each organisation, first reviewer first: an alert takes the first two who are not its author.
REVIEWERS = {MINISTRY: ("manager", "manager2"), HOSPITAL: ("hospital.manager",)}

ORGANISATIONS = {
    MINISTRY: ("Ministry of Public Health", "Africa/Casablanca", ["en", "fr", "ar"]),
    HOSPITAL: ("Riverside University Hospital", "Europe/London", ["en"]),
}
LOCAL_NAMES = {MINISTRY: {"fr": "Ministère de la Santé publique", "ar": "وزارة الصحة العامة"}}

# username, first name, last name, organisation, role (None: the superuser, who belongs to none)
PEOPLE: list[tuple[str, str, str, str | None, Role | None]] = [
    ("contributor", "Yasmine", "Alaoui", MINISTRY, Role.CONTRIBUTOR),
    ("clinician", "Amina", "Tazi", MINISTRY, Role.CONTRIBUTOR),
    ("editor", "Karim", "Haddad", MINISTRY, Role.EDITOR),
    ("manager", "Nadia", "El Amrani", MINISTRY, Role.MANAGER),
    ("manager2", "Thomas", "Martin", MINISTRY, Role.MANAGER),
    ("admin", "Leila", "Bennani", MINISTRY, Role.ADMIN),
    ("hospital.editor", "Sarah", "Collins", HOSPITAL, Role.EDITOR),
    ("hospital.manager", "David", "Okafor", HOSPITAL, Role.MANAGER),
    ("hospital.clinician", "Grace", "Mensah", HOSPITAL, Role.CONTRIBUTOR),
    (SUPERUSER, "Demo", "Root", None, None),
]

HANDLES = {
    MINISTRY: {
        P.X: "@MinistryHealth",  # X handles stop at 15 characters
        P.FACEBOOK: "@MinistryOfPublicHealth",
        P.INSTAGRAM: "@ministryofpublichealth",
        P.THREADS: "@ministryofpublichealth",
        P.LINKEDIN: "ministry-of-public-health",
        P.YOUTUBE: "@MinistryOfPublicHealth",
        P.MASTODON: "@publichealth@mastodon.example.org",
        P.BLUESKY: "@publichealth.example.org",
    },
    HOSPITAL: {P.X: "@RiversideUH"},
}


@dataclass(frozen=True)
class CampaignSpec:
    organisation: str
    name: str
    goal: str
    days: tuple[int, int | None]  # start and end, in days from today
    hashtags: list[str]
    colour: str
    languages: list[str]
    priority: int


@dataclass(frozen=True)
class CardSpec:
    faces: dict[str, tuple[str, list[tuple[str, str]]]]  # language: (title, [(figure, caption)])
    alt: dict[str, str]


@dataclass(frozen=True)
class VideoSpec:
    """A short demo video in campaigns/demo_media/, made with ffmpeg for the demo (a title card)."""

    file: str
    title: str


@dataclass(frozen=True)
class ItemSpec:
    campaign: str
    kind: str
    title: str
    state: str
    author: str
    brief: str
    texts: dict[str, tuple[str, str]]  # language: (short text, long text)
    short_on: tuple[str, ...] = ()
    long_on: tuple[str, ...] = ()
    link: str = ""  # "{language}" becomes the variant's language
    sources: tuple[tuple[str, str], ...] = ()
    first_comment: dict[str, str] = field(default_factory=dict)  # on the long_on platforms
    cards: tuple[str, ...] = ()
    video: VideoSpec | None = None  # attached to every variant
    when: tuple[int, int, int] | None = None  # days from today, local hour, minute
    comments: tuple[tuple[str, str], ...] = ()
    changes_requested: str = ""  # the reviewer's note when asking for changes; the details are in `comments`


# The content. Figures come from the WHO fact sheets listed as sources; the links are the ministry's
# (example.org) pages. Short texts fit X, Bluesky, Mastodon and Threads with their link.

HEALTH_SITE = "https://health.example.org/{language}"
WHO_FLU = (
    "https://www.who.int/news-room/fact-sheets/detail/influenza-(seasonal)",
    "WHO fact sheet: Influenza (seasonal)",
)
ECDC_FLU = ("https://www.ecdc.europa.eu/en/seasonal-influenza", "ECDC: Seasonal influenza")
CDC_FLU_MYTHS = ("https://www.cdc.gov/flu/vaccines/keyfacts.html", "CDC: Key facts about seasonal flu vaccine")
WHO_BLOOD = (
    "https://www.who.int/news-room/fact-sheets/detail/blood-safety-and-availability",
    "WHO fact sheet: Blood safety and availability",
)
WHO_DONORS = ("https://www.who.int/publications/i/item/9789241548519", "WHO guidelines on assessing donor suitability")
WHO_HEAT = (
    "https://www.who.int/news-room/fact-sheets/detail/climate-change-heat-and-health",
    "WHO fact sheet: Heat and health",
)
CDC_HEAT = ("https://www.cdc.gov/heat-health/index.html", "CDC: Heat and health")
WHO_TOBACCO = ("https://www.who.int/news-room/fact-sheets/detail/tobacco", "WHO fact sheet: Tobacco")
WHO_QUITTING = (
    "https://www.who.int/news-room/questions-and-answers/item/tobacco-health-benefits-of-smoking-cessation",
    "WHO: Health benefits of smoking cessation",
)
WHO_HANDS = ("https://www.who.int/campaigns/world-hand-hygiene-day", "WHO: World Hand Hygiene Day")
FLU_TAGS, BLOOD_TAGS = "#FluVaccine #ProtectYourself", "#GiveBlood #BloodDonation"
HEAT_TAGS, SMOKING_TAGS, HANDS_TAGS = "#HeatWave #StayCool", "#QuitSmoking #TobaccoFree", "#HandHygiene #CleanHands"
ALL = ["en", "fr", "ar"]

CAMPAIGNS = {
    "flu": CampaignSpec(
        MINISTRY, "Seasonal flu vaccination 2026\u201327",
        "Vaccinate people aged 65 and over, pregnant women, young children and health workers before the winter peak.",
        (-75, 130), ["#FluVaccine", "#ProtectYourself"], "#1d6a96", ALL, Priority.HIGH,
    ),
    # The week itself is ahead; donors register from six weeks before it, which its history shows.
    "blood": CampaignSpec(
        MINISTRY, "National blood donation week",
        "Collect 15,000 donations in one week and bring in first-time donors aged 18 to 30.",
        (-45, 9), ["#GiveBlood", "#BloodDonation"], "#b3261e", ALL, Priority.NORMAL,
    ),
    "heat": CampaignSpec(
        MINISTRY, "Heat-wave alert",
        "Reach every household within hours of a heat-wave warning, with clear advice to protect older people, "
        "children and outdoor workers.",
        (-1, 6), ["#HeatWave", "#StayCool"], "#a84300", ALL, Priority.CRITICAL,
    ),
    # Last summer's: its posts are the demo's history (campaigns/demo_history_content.py).
    "summer": CampaignSpec(
        MINISTRY, "Summer heat safety 2026",
        "Keep people safe through the summer's heat waves: warnings within the hour, advice for older people, "
        "children and outdoor workers.",
        (-180, -95), ["#HeatSafety", "#StayCool"], "#c2410c", ALL, Priority.HIGH,
    ),
    "smoking": CampaignSpec(
        MINISTRY, "Quit smoking for good",
        "Help smokers stop for good by promoting the free quitline and the benefits of quitting at any age.",
        (-90, None), ["#QuitSmoking", "#TobaccoFree"], "#5b3f99", [], Priority.NORMAL,
    ),
    "hands": CampaignSpec(
        HOSPITAL, "Hand hygiene month",
        "Raise hand-hygiene compliance on the wards and get every visitor to use the gel at the ward door.",
        (-7, 23), ["#HandHygiene", "#CleanHands"], "#0f766e", [], Priority.NORMAL,
    ),
}  # fmt: skip

CARDS = {
    "flu-numbers": CardSpec(
        {
            "en": ("Flu by the numbers", [("1 billion", "flu cases worldwide every year"),
                   ("3 to 5 million", "severe cases every year"), ("2 weeks", "for the vaccine to protect you")]),
            "fr": ("La grippe en chiffres", [("1 milliard", "de cas de grippe dans le monde chaque année"),
                   ("3 à 5 millions", "de cas graves chaque année"), ("2 semaines", "pour que le vaccin vous protège")]),
            "ar": ("الإنفلونزا بالأرقام", [("مليار", "إصابة بالإنفلونزا في العالم كل عام"),
                   ("3 إلى 5 ملايين", "حالة خطيرة كل عام"), ("أسبوعان", "ليبدأ اللقاح في حمايتك")]),
        },
        {
            "en": "Infographic, Flu by the numbers: about 1 billion flu cases worldwide every year; 3 to 5 million "
                  "severe cases every year; the vaccine protects you about 2 weeks after the injection.",
            "fr": "Infographie, La grippe en chiffres : environ 1 milliard de cas de grippe dans le monde chaque année ; "
                  "3 à 5 millions de cas graves chaque année ; le vaccin protège environ 2 semaines après l'injection.",
            "ar": "رسم بياني بعنوان الإنفلونزا بالأرقام: نحو مليار إصابة بالإنفلونزا في العالم كل عام؛ "
                  "من 3 إلى 5 ملايين حالة خطيرة كل عام؛ يحميك اللقاح بعد أسبوعين تقريبًا من الحقن.",
        },
    ),
    "flu-priority": CardSpec(
        {
            "en": ("Who should get vaccinated first", [("65+", "people aged 65 and over"),
                   ("Pregnant", "women, at any stage of pregnancy"), ("Under 5", "children from 6 months of age")]),
            "fr": ("Qui vacciner en priorité", [("65 ans et +", "les personnes de 65 ans et plus"),
                   ("Enceintes", "les femmes, à tout stade de la grossesse"),
                   ("Moins de 5 ans", "les enfants dès l'âge de 6 mois")]),
            "ar": ("من يتلقى اللقاح أولًا", [("65 سنة فما فوق", "الأشخاص البالغون 65 سنة أو أكثر"),
                   ("الحوامل", "في أي مرحلة من مراحل الحمل"), ("دون 5 سنوات", "الأطفال ابتداءً من عمر 6 أشهر")]),
        },
        {
            "en": "Infographic, Who should get vaccinated first: people aged 65 and over; pregnant women, at any "
                  "stage of pregnancy; children under 5, from 6 months of age.",
            "fr": "Infographie, Qui vacciner en priorité : les personnes de 65 ans et plus ; les femmes enceintes, "
                  "à tout stade de la grossesse ; les enfants de moins de 5 ans, dès l'âge de 6 mois.",
            "ar": "رسم بياني بعنوان من يتلقى اللقاح أولًا: الأشخاص البالغون 65 سنة فما فوق؛ النساء الحوامل "
                  "في أي مرحلة من الحمل؛ الأطفال دون 5 سنوات ابتداءً من عمر 6 أشهر.",
        },
    ),
    "blood": CardSpec(
        {
            "en": ("Why your donation matters", [("118 million", "blood donations collected worldwide every year"),
                   ("Up to 3", "lives helped by a single donation"),
                   ("1 hour", "for the whole visit; the donation takes 10 minutes")]),
            "fr": ("Pourquoi votre don compte", [("118 millions", "de dons de sang collectés chaque année dans le monde"),
                   ("Jusqu'à 3", "vies aidées par un seul don"), ("1 heure", "pour toute la visite ; le don dure 10 minutes")]),
            "ar": ("لماذا يهم تبرعك", [("118 مليون", "تبرع بالدم يُجمع في العالم كل عام"),
                   ("حتى 3 أرواح", "يساعد تبرع واحد في إنقاذها"), ("ساعة واحدة", "للزيارة كلها، والتبرع يستغرق 10 دقائق")]),
        },
        {
            "en": "Infographic, Why your donation matters: about 118 million blood donations are collected worldwide "
                  "every year; one donation can help save up to 3 lives; the visit takes 1 hour, the donation 10 minutes.",
            "fr": "Infographie, Pourquoi votre don compte : environ 118 millions de dons de sang sont collectés chaque "
                  "année dans le monde ; un don peut aider à sauver jusqu'à 3 vies ; la visite dure 1 heure, le don 10 minutes.",
            "ar": "رسم بياني بعنوان لماذا يهم تبرعك: يُجمع نحو 118 مليون تبرع بالدم في العالم كل عام؛ "
                  "تبرع واحد قد يساعد في إنقاذ 3 أرواح؛ تستغرق الزيارة ساعة والتبرع 10 دقائق.",
        },
    ),
    "smoking": CardSpec(
        {
            "en": ("When you quit smoking", [("20 minutes", "your heart rate and blood pressure drop"),
                   ("12 hours", "carbon monoxide in your blood returns to normal"),
                   ("1 year", "your risk of heart disease is about half a smoker's")]),
            "fr": ("Quand vous arrêtez de fumer", [("20 minutes", "le rythme cardiaque et la tension baissent"),
                   ("12 heures", "le monoxyde de carbone dans le sang redevient normal"),
                   ("1 an", "le risque de maladie cardiaque est réduit de moitié")]),
            "ar": ("عندما تتوقف عن التدخين", [("20 دقيقة", "ينخفض معدل ضربات القلب وضغط الدم"),
                   ("12 ساعة", "يعود أول أكسيد الكربون في الدم إلى طبيعته"),
                   ("سنة واحدة", "ينخفض خطر أمراض القلب إلى النصف تقريبًا")]),
        },
        {
            "en": "Infographic, When you quit smoking: after 20 minutes your heart rate and blood pressure drop; after "
                  "12 hours carbon monoxide in your blood returns to normal; after 1 year your risk of heart disease "
                  "is about half a smoker's.",
            "fr": "Infographie, Quand vous arrêtez de fumer : après 20 minutes, le rythme cardiaque et la tension "
                  "baissent ; après 12 heures, le monoxyde de carbone dans le sang redevient normal ; après 1 an, "
                  "le risque de maladie cardiaque est réduit de moitié.",
            "ar": "رسم بياني بعنوان عندما تتوقف عن التدخين: بعد 20 دقيقة ينخفض معدل ضربات القلب وضغط الدم؛ "
                  "بعد 12 ساعة يعود أول أكسيد الكربون في الدم إلى طبيعته؛ بعد سنة ينخفض خطر أمراض القلب إلى النصف تقريبًا.",
        },
    ),
    "hands": CardSpec(
        {"en": ("Clean hands save lives", [("5 moments", "when staff clean their hands during care"),
                ("20 to 30 s", "to rub hands with alcohol-based hand rub"),
                ("40 to 60 s", "to wash hands with soap and water")])},
        {"en": "Infographic, Clean hands save lives: staff clean their hands at 5 moments of care; rubbing with "
               "alcohol-based hand rub takes 20 to 30 seconds; washing with soap and water takes 40 to 60 seconds."},
    ),
}  # fmt: skip

ITEMS = [
    ItemSpec(
        "flu", Kind.POST, "Flu vaccine now available for priority groups", State.PUBLISHED, "editor",
        "Announce that the free seasonal flu vaccine is available at health centres, for the people most at risk first. "
        "Reassuring and practical; link to the centre finder.",
        {
            "en": (f"The seasonal flu vaccine is now free at your health centre. It matters most for people aged 65+, pregnant "
                   f"women, children aged 6 months to 5 years, people with chronic illness and health workers. {FLU_TAGS}",
                   "Flu season is starting, and the seasonal flu vaccine is now free at every public health centre.\n\n"
                   "Who should get vaccinated first?\n• People aged 65 and over\n• Pregnant women, at any stage of pregnancy\n"
                   "• Children aged 6 months to 5 years\n• People living with diabetes, heart, lung or kidney disease\n"
                   "• Health and care workers\n\nThe vaccine is safe and protects you after about two weeks. Bring your "
                   f"health card; no appointment needed. {FLU_TAGS}"),
            "fr": (f"Le vaccin contre la grippe saisonnière est gratuit dans votre centre de santé. Priorité aux 65 ans et plus, "
                   f"aux femmes enceintes, aux enfants de 6 mois à 5 ans, aux malades chroniques et aux soignants. {FLU_TAGS}",
                   "La saison de la grippe commence : le vaccin contre la grippe saisonnière est gratuit dans tous les centres "
                   "de santé publics.\n\nQui doit se faire vacciner en priorité ?\n• Les personnes de 65 ans et plus\n"
                   "• Les femmes enceintes, quel que soit le stade de la grossesse\n• Les enfants de 6 mois à 5 ans\n"
                   "• Les personnes atteintes de diabète ou d'une maladie cardiaque, pulmonaire ou rénale\n"
                   "• Les professionnels de santé et du soin\n\nLe vaccin est sûr et protège au bout de deux semaines "
                   f"environ. Munissez-vous de votre carte de santé ; venez sans rendez-vous. {FLU_TAGS}"),
            "ar": ("لقاح الإنفلونزا الموسمية متوفر الآن مجانًا في مركزك الصحي. الأولوية للأشخاص البالغين 65 سنة فما فوق، "
                   "والنساء الحوامل، والأطفال من 6 أشهر إلى 5 سنوات، والمصابين بأمراض مزمنة، والعاملين في قطاع الصحة. "
                   f"{FLU_TAGS}",
                   "بدأ موسم الإنفلونزا، ولقاح الإنفلونزا الموسمية متوفر الآن مجانًا في جميع المراكز الصحية العمومية.\n\n"
                   "من يجب أن يتلقى اللقاح أولًا؟\n• الأشخاص البالغون 65 سنة فما فوق\n• النساء الحوامل في أي مرحلة من الحمل\n"
                   "• الأطفال من 6 أشهر إلى 5 سنوات\n• المصابون بالسكري أو بأمراض القلب أو الرئة أو الكلى\n"
                   "• العاملون في قطاع الصحة والرعاية\n\nاللقاح آمن ويبدأ مفعوله بعد أسبوعين تقريبًا. أحضر بطاقتك الصحية، "
                   f"ولا حاجة إلى موعد مسبق. {FLU_TAGS}"),
        },
        short_on=(P.X, P.BLUESKY, P.MASTODON), long_on=(P.FACEBOOK, P.LINKEDIN),
        link=f"{HEALTH_SITE}/flu-vaccine", sources=(WHO_FLU, ECDC_FLU), when=(-5, 10, 0),
        first_comment={
            "en": f"Source: WHO fact sheet on seasonal influenza, {WHO_FLU[0]}",
            "fr": f"Source : fiche d'information de l'OMS sur la grippe saisonnière, {WHO_FLU[0]}",
            "ar": f"المصدر: صحيفة وقائع منظمة الصحة العالمية حول الإنفلونزا الموسمية، {WHO_FLU[0]}",
        },
    ),
    ItemSpec(
        "flu", Kind.INFOGRAPHIC, "Flu by the numbers", State.SCHEDULED, "contributor",
        "Two cards: the burden of flu worldwide, and who should get vaccinated first. Numbers from the WHO fact sheet.",
        {
            "en": (f"Flu by the numbers: about 1 billion cases worldwide every year, 3 to 5 million of them severe. The vaccine "
                   f"takes about two weeks to protect you, so get it early. {FLU_TAGS}",
                   "Flu is more than a bad cold. Every year it causes about 1 billion cases worldwide, 3 to 5 million of them "
                   "severe, and hundreds of thousands of deaths, mostly among people at higher risk.\n\nThe vaccine is the "
                   "best protection. It takes about two weeks to work, so get it before flu starts circulating. It is free "
                   f"at your health centre. {FLU_TAGS}"),
            "fr": (f"La grippe en chiffres : environ 1 milliard de cas dans le monde chaque année, dont 3 à 5 millions de cas "
                   f"graves. Le vaccin protège au bout de deux semaines : faites-vous vacciner tôt. {FLU_TAGS}",
                   "La grippe, ce n'est pas un simple rhume. Chaque année, elle provoque environ 1 milliard de cas dans le "
                   "monde, dont 3 à 5 millions de cas graves, et des centaines de milliers de décès, surtout chez les "
                   "personnes à risque.\n\nLe vaccin reste la meilleure protection. Il agit au bout de deux semaines "
                   "environ : faites-vous vacciner avant que la grippe ne circule. Il est gratuit dans votre centre de "
                   f"santé. {FLU_TAGS}"),
            "ar": ("الإنفلونزا بالأرقام: نحو مليار إصابة في العالم كل عام، منها 3 إلى 5 ملايين حالة خطيرة. يحميك اللقاح "
                   f"بعد أسبوعين تقريبًا، فبادر بالتلقيح مبكرًا. {FLU_TAGS}",
                   "الإنفلونزا ليست مجرد زكام عابر. فهي تسبب كل عام نحو مليار إصابة في العالم، منها 3 إلى 5 ملايين حالة "
                   "خطيرة، ومئات الآلاف من الوفيات، معظمها بين الأشخاص الأكثر عرضة للخطر.\n\nاللقاح هو أفضل وسيلة "
                   "للوقاية، ويبدأ مفعوله بعد أسبوعين تقريبًا، لذا احرص على أخذه قبل انتشار الإنفلونزا. اللقاح مجاني في "
                   f"مركزك الصحي. {FLU_TAGS}"),
        },
        short_on=(P.X,), long_on=(P.FACEBOOK, P.INSTAGRAM, P.LINKEDIN), link=f"{HEALTH_SITE}/flu-vaccine",
        sources=(WHO_FLU,), cards=("flu-numbers", "flu-priority"), when=(2, 10, 0),
    ),
    ItemSpec(
        "flu", Kind.VIDEO, "Nurse explains: why you need a flu vaccine every year", State.SCHEDULED, "contributor",
        "Ninety-second interview with a vaccination nurse; chapters in the description. Subtitled in French and Arabic. "
        "The first line of each text is the video's title on YouTube.",
        {
            "en": ("", "Why a flu vaccine every year? A nurse explains\nWhy do you need a flu vaccine every year? Nurse Fatima, who runs a vaccination clinic, answers the "
                   "question we hear most. Flu viruses change from one season to the next and the protection from the "
                   "vaccine fades over time, so the vaccine is updated every year to match the viruses expected to "
                   f"circulate.\n\n00:00 Why every year?\n00:40 Is the vaccine safe?\n01:25 Who should get it first?\n\n{FLU_TAGS}"),
            "fr": ("", "La grippe : pourquoi un vaccin chaque année ? Une infirmière répond\nPourquoi se faire vacciner contre la grippe chaque année ? Fatima, infirmière dans un centre de "
                   "vaccination, répond à la question qu'on nous pose le plus. Les virus de la grippe changent d'une saison "
                   "à l'autre et la protection du vaccin diminue avec le temps : le vaccin est donc mis à jour chaque année. "
                   "\n\n00:00 Pourquoi chaque année ?\n00:40 Le vaccin est-il sûr ?\n01:25 Qui doit se faire vacciner en "
                   f"premier ?\n\n{FLU_TAGS}"),
            "ar": ("", "لقاح الإنفلونزا كل عام: لماذا؟ ممرضة تجيب\nلماذا نحتاج إلى لقاح الإنفلونزا كل عام؟ تجيب الممرضة فاطمة، المسؤولة عن مركز للتلقيح، عن السؤال "
                   "الأكثر تداولًا: فيروسات الإنفلونزا تتغير من موسم إلى آخر، والحماية التي يوفرها اللقاح تضعف مع مرور "
                   "الوقت، لذلك يُحدَّث اللقاح كل عام ليتلاءم مع الفيروسات المتوقع انتشارها.\n\n00:00 لماذا كل عام؟\n"
                   f"00:40 هل اللقاح آمن؟\n01:25 من يجب أن يتلقاه أولًا؟\n\n{FLU_TAGS}"),
        },
        long_on=(P.YOUTUBE, P.FACEBOOK), link=f"{HEALTH_SITE}/flu-vaccine", sources=(WHO_FLU, CDC_FLU_MYTHS),
        video=VideoSpec("flu-nurse.mp4", "Nurse explains: flu vaccine every year (demo cut)"),
        when=(4, 11, 0),
        first_comment={
            "en": f"Sources: {WHO_FLU[0]} and {CDC_FLU_MYTHS[0]}",
            "fr": f"Sources : {WHO_FLU[0]} et {CDC_FLU_MYTHS[0]}",
            "ar": f"المصادر: {WHO_FLU[0]} و{CDC_FLU_MYTHS[0]}",
        },
    ),
    ItemSpec(
        "flu", Kind.POST, "Myth vs fact: the flu vaccine cannot give you flu", State.IN_REVIEW, "contributor",
        "Answer the most common objection in one post. Keep it friendly; do not mock people who believe the myth.",
        {
            "en": ("Myth: the flu vaccine can give you flu.\nFact: it cannot. The injected vaccine contains no live virus. "
                   f"A sore arm or a slight fever for a day or two just means your body is building protection. {FLU_TAGS}", ""),
            "fr": ("Idée reçue : le vaccin peut donner la grippe.\nFaux : le vaccin injectable ne contient aucun virus vivant. "
                   "Un bras douloureux ou une légère fièvre pendant un jour ou deux montrent que votre corps se protège. "
                   f"{FLU_TAGS}", ""),
            "ar": ("خرافة: لقاح الإنفلونزا قد يسبب الإنفلونزا.\nحقيقة: هذا غير ممكن، فاللقاح الذي يُعطى بالحقن لا يحتوي على "
                   "أي فيروس حي. ألم خفيف في الذراع أو حمى بسيطة ليوم أو يومين يعني فقط أن جسمك يبني مناعته. "
                   f"{FLU_TAGS}", ""),
        },
        short_on=(P.X, P.BLUESKY, P.THREADS), link=f"{HEALTH_SITE}/flu-vaccine", sources=(WHO_FLU, CDC_FLU_MYTHS),
        comments=(
            ("manager", "Clear and friendly. Before I approve: 'cannot give you flu' needs its own source, not only the "
                        "general fact sheet. Please link the CDC key facts page."),
            ("contributor", "Done, the CDC page is listed. I kept 'injected vaccine' on purpose: the nasal spray "
                            "vaccine does contain a weakened live virus."),
        ),
    ),
    ItemSpec(
        "blood", Kind.POST, "Blood donation week: find a donation centre near you", State.SCHEDULED, "editor",
        "Opening post of the week: why blood is needed every day, how to prepare, where to go. Upbeat, not guilt-driven.",
        {
            "en": (f"National blood donation week starts today! One donation can help save up to three lives. Centres are "
                   f"open from 8:00 to 18:00 and the whole visit takes about an hour. {BLOOD_TAGS}",
                   "National blood donation week starts today.\n\nHospitals need blood every day: for mothers who bleed "
                   "heavily after childbirth, for people injured in road accidents, for children with severe anaemia and "
                   "for patients having surgery or cancer treatment. One donation can help save up to three lives.\n\n"
                   "Before you come, eat a meal, drink plenty of water and bring an identity document. The donation itself "
                   f"takes about ten minutes. {BLOOD_TAGS}"),
            "fr": (f"La semaine nationale du don de sang commence aujourd'hui ! Un seul don peut aider à sauver jusqu'à trois "
                   f"vies. Centres ouverts de 8 h à 18 h ; la visite dure environ une heure. {BLOOD_TAGS}",
                   "La semaine nationale du don de sang commence aujourd'hui.\n\nLes hôpitaux ont besoin de sang chaque "
                   "jour : pour les mères qui saignent abondamment après l'accouchement, les victimes d'accidents de la "
                   "route, les enfants atteints d'anémie sévère et les patients opérés ou traités pour un cancer. Un seul "
                   "don peut aider à sauver jusqu'à trois vies.\n\nAvant de venir, prenez un repas, buvez beaucoup d'eau "
                   f"et apportez une pièce d'identité. Le prélèvement dure une dizaine de minutes. {BLOOD_TAGS}"),
            "ar": ("انطلق اليوم الأسبوع الوطني للتبرع بالدم! تبرع واحد قد يساعد في إنقاذ ما يصل إلى ثلاث أرواح. مراكز التبرع "
                   f"مفتوحة من الساعة 8:00 إلى 18:00، والزيارة كلها تستغرق نحو ساعة. {BLOOD_TAGS}",
                   "ينطلق اليوم الأسبوع الوطني للتبرع بالدم.\n\nتحتاج المستشفيات إلى الدم كل يوم: للأمهات اللواتي يتعرضن "
                   "لنزيف حاد بعد الولادة، ولضحايا حوادث السير، وللأطفال المصابين بفقر الدم الحاد، وللمرضى الذين يخضعون "
                   "لعمليات جراحية أو لعلاج السرطان. تبرع واحد قد يساعد في إنقاذ ما يصل إلى ثلاث أرواح.\n\nقبل المجيء، "
                   "تناول وجبة واشرب كمية كافية من الماء وأحضر وثيقة هويتك. لا يستغرق التبرع نفسه سوى عشر دقائق تقريبًا. "
                   f"{BLOOD_TAGS}"),
        },
        short_on=SHORT_PLATFORMS, long_on=(P.FACEBOOK, P.LINKEDIN), link=f"{HEALTH_SITE}/give-blood", when=(3, 8, 30),
        first_comment={
            "en": f"Find your nearest donation centre and its opening hours: {HEALTH_SITE.format(language='en')}/give-blood",
            "fr": f"Trouvez le centre de don le plus proche et ses horaires : {HEALTH_SITE.format(language='fr')}/give-blood",
            "ar": f"اعثر على أقرب مركز للتبرع ومواعيد عمله: {HEALTH_SITE.format(language='ar')}/give-blood",
        },
    ),
    ItemSpec(
        "blood", Kind.INFOGRAPHIC, "Why your donation matters", State.APPROVED, "contributor",
        "One card with three figures for Instagram and Facebook, posted mid-week to bring back people who hesitated.",
        {
            "en": ("", "Why your donation matters. Around the world, about 118 million blood donations are collected every "
                   "year, and the need never stops: blood can only be stored for a limited time. One donation can help "
                   f"save up to three lives, and the whole visit takes about an hour. {BLOOD_TAGS}"),
            "fr": ("", "Pourquoi votre don compte. Dans le monde, environ 118 millions de dons de sang sont collectés chaque "
                   "année, et le besoin ne s'arrête jamais : le sang ne se conserve que peu de temps. Un seul don peut "
                   f"aider à sauver jusqu'à trois vies, et la visite dure environ une heure. {BLOOD_TAGS}"),
            "ar": ("", "لماذا يهم تبرعك؟ يُجمع في العالم نحو 118 مليون تبرع بالدم كل عام، والحاجة لا تتوقف أبدًا لأن الدم "
                   "لا يمكن حفظه إلا لمدة محدودة. تبرع واحد قد يساعد في إنقاذ ما يصل إلى ثلاث أرواح، والزيارة كلها "
                   f"تستغرق نحو ساعة. {BLOOD_TAGS}"),
        },
        long_on=(P.INSTAGRAM, P.FACEBOOK), link=f"{HEALTH_SITE}/give-blood", sources=(WHO_BLOOD,), cards=("blood",),
    ),
    ItemSpec(
        "blood", Kind.VIDEO, "Who can give blood? Eligibility in 60 seconds", State.APPROVED, "contributor",
        "Short vertical video with the blood service doctor: the basic eligibility rules and the health check.",
        {
            "en": ("", "Who can give blood? Eligibility in 60 seconds\nIn 60 seconds, our blood service doctor explains the basics: most healthy adults "
                   "aged 18 to 65 who weigh at least 50 kg can donate. Before donating you answer a few health questions "
                   f"and have a quick check, to keep both you and the patient safe. {BLOOD_TAGS}"),
        },
        long_on=(P.YOUTUBE,), link=f"{HEALTH_SITE}/give-blood", sources=(WHO_DONORS,),
        video=VideoSpec("blood-eligibility.mp4", "Who can give blood? (vertical demo cut)"),
    ),
    ItemSpec(
        "heat", Kind.ALERT, "Heat-wave alert: extreme heat expected from tomorrow", State.SCHEDULED, "editor",
        "Alert from the meteorological office: up to 45 °C for four days. Go out early in the morning, in every "
        "language, with the protective steps and the signs of heatstroke.",
        {
            "en": ("⚠️ HEAT-WAVE ALERT: up to 45 °C expected over the next four days. Avoid the sun between 11:00 and 16:00, "
                   f"drink water regularly and check on older relatives and neighbours. {HEAT_TAGS}",
                   "⚠️ HEAT-WAVE ALERT\n\nTemperatures up to 45 °C are expected over the next four days, with hot nights "
                   "that give the body little rest.\n\n• Stay out of the sun between 11:00 and 16:00\n• Drink water "
                   "regularly, even if you are not thirsty\n• Keep your home cool: shutters closed by day, windows open at "
                   "night\n• Never leave a child or an animal in a parked car\n• Check on older people, who are most at "
                   "risk\n\nIf someone becomes confused, faints or is very hot with red skin, call the emergency services: "
                   f"heatstroke is an emergency. {HEAT_TAGS}"),
            "fr": ("⚠️ ALERTE CANICULE : jusqu'à 45 °C attendus ces quatre prochains jours. Évitez le soleil entre 11 h et "
                   f"16 h, buvez de l'eau régulièrement et prenez des nouvelles de vos proches âgés. {HEAT_TAGS}",
                   "⚠️ ALERTE CANICULE\n\nJusqu'à 45 °C sont attendus dans les quatre prochains jours, avec des nuits chaudes "
                   "qui ne laissent pas le corps récupérer.\n\n• Évitez le soleil entre 11 h et 16 h\n• Buvez de l'eau "
                   "régulièrement, même sans soif\n• Gardez votre logement frais : volets fermés le jour, fenêtres ouvertes "
                   "la nuit\n• Ne laissez jamais un enfant ou un animal dans une voiture garée\n• Prenez des nouvelles des "
                   "personnes âgées, les plus exposées\n\nSi une personne devient confuse, fait un malaise ou a la peau très "
                   f"chaude et rouge, appelez les secours : le coup de chaleur est une urgence. {HEAT_TAGS}"),
            "ar": ("⚠️ تنبيه موجة حر: يُتوقع أن تصل الحرارة إلى 45 درجة مئوية خلال الأيام الأربعة المقبلة. تجنبوا الشمس بين "
                   f"الساعة 11:00 و16:00، واشربوا الماء بانتظام، واطمئنوا على كبار السن من الأقارب والجيران. {HEAT_TAGS}",
                   "⚠️ تنبيه موجة حر\n\nيُتوقع أن تصل درجات الحرارة إلى 45 درجة مئوية خلال الأيام الأربعة المقبلة، مع ليالٍ "
                   "حارة لا تمنح الجسم فرصة للراحة.\n\n• تجنبوا الشمس بين الساعة 11:00 و16:00\n• اشربوا الماء بانتظام "
                   "حتى دون الشعور بالعطش\n• حافظوا على برودة المنزل: أغلقوا النوافذ والستائر نهارًا وافتحوها ليلًا\n"
                   "• لا تتركوا أبدًا طفلًا أو حيوانًا داخل سيارة متوقفة\n• اطمئنوا على كبار السن فهم الأكثر عرضة للخطر\n\n"
                   "إذا ظهر على شخص ارتباك أو إغماء أو كانت بشرته ساخنة جدًا ومحمرة، فاتصلوا بخدمات الطوارئ فورًا: ضربة "
                   f"الحر حالة طارئة. {HEAT_TAGS}"),
        },
        short_on=SHORT_PLATFORMS, long_on=(P.FACEBOOK,), link=f"{HEALTH_SITE}/heat-wave", sources=(WHO_HEAT, CDC_HEAT),
        when=(1, 7, 0),
    ),
    ItemSpec(
        "heat", Kind.POST, "Keeping cool at home: five simple steps", State.CHANGES_REQUESTED, "contributor",
        "Practical steps for households without air conditioning. Numbered list on Facebook, one line on X.",
        {
            "en": ("Five simple steps to keep cool at home: close shutters by day, open windows at night, take cool showers, "
                   f"wear light clothes and use a fan. {HEAT_TAGS}",
                   "Keeping cool at home: five simple steps\n\n1. Close shutters and curtains on sunny windows during the "
                   "day\n2. Open windows at night, when it is cooler outside\n3. Take cool showers or put a damp cloth on "
                   "your neck\n4. Use a fan to move the air\n5. Wear loose, light-coloured cotton clothes\n\n"
                   f"{HEAT_TAGS}"),
            "fr": ("Cinq gestes simples pour garder la fraîcheur chez soi : volets fermés le jour, fenêtres ouvertes la nuit, "
                   f"douches fraîches, vêtements légers et ventilateur. {HEAT_TAGS}",
                   "Garder son logement frais : cinq gestes simples\n\n1. Fermez volets et rideaux des fenêtres au soleil "
                   "pendant la journée\n2. Ouvrez les fenêtres la nuit, quand il fait plus frais dehors\n3. Prenez des "
                   "douches fraîches ou posez un linge humide sur la nuque\n4. Utilisez un ventilateur pour faire circuler "
                   f"l'air\n5. Portez des vêtements amples, légers et clairs, en coton\n\n{HEAT_TAGS}"),
        },
        short_on=(P.X,), long_on=(P.FACEBOOK,), link=f"{HEALTH_SITE}/heat-wave", sources=(WHO_HEAT,),
        comments=(
            ("manager2", "Step 4 needs a caveat: WHO says fans may not prevent heat-related illness once it is hotter "
                         "than about 35 °C. Please add that, and tell people with heart or kidney disease to ask their "
                         "doctor how much to drink."),
        ),
        changes_requested="Two additions needed before I can approve: see my comment.",
    ),
    ItemSpec(
        "heat", Kind.POST, "Check on older neighbours during the heat", State.IN_REVIEW, "editor",
        "Ask everyone to call or visit an older neighbour or relative once a day while the heat lasts.",
        {
            "en": ("During the heat wave, call or visit older neighbours and relatives at least once a day. Are they drinking "
                   f"enough? Is their home cool? A short visit can save a life. {HEAT_TAGS}",
                   "Heat is most dangerous for older people, especially those who live alone, have a chronic illness or take "
                   "several medicines.\n\nDuring the heat wave, call or visit older neighbours and relatives at least once "
                   "a day:\n• Are they drinking water regularly?\n• Is their home cool enough?\n• Do they have food and "
                   "medicines without going out in the heat?\n\nIf they seem confused, very hot or unwell, call the "
                   f"emergency services. A short visit can save a life. {HEAT_TAGS}"),
            "fr": ("Pendant la canicule, appelez ou rendez visite chaque jour à vos voisins et proches âgés. Boivent-ils "
                   f"assez ? Leur logement est-il frais ? Une courte visite peut sauver une vie. {HEAT_TAGS}",
                   "La chaleur est plus dangereuse pour les personnes âgées, surtout celles qui vivent seules, ont une "
                   "maladie chronique ou prennent plusieurs médicaments.\n\nPendant la canicule, appelez ou rendez visite "
                   "au moins une fois par jour à vos voisins et proches âgés :\n• Boivent-ils de l'eau régulièrement ?\n"
                   "• Leur logement est-il assez frais ?\n• Ont-ils de quoi manger et leurs médicaments sans sortir sous la "
                   "chaleur ?\n\nS'ils semblent confus, très chauds ou mal en point, appelez les secours. Une courte visite "
                   f"peut sauver une vie. {HEAT_TAGS}"),
            "ar": ("خلال موجة الحر، اتصلوا بجيرانكم وأقاربكم من كبار السن أو زوروهم مرة في اليوم على الأقل. هل يشربون ما "
                   f"يكفي من الماء؟ هل منازلهم باردة؟ زيارة قصيرة قد تنقذ حياة. {HEAT_TAGS}",
                   "الحر أشد خطرًا على كبار السن، لا سيما من يعيشون بمفردهم أو يعانون من مرض مزمن أو يتناولون عدة أدوية.\n\n"
                   "خلال موجة الحر، اتصلوا بجيرانكم وأقاربكم من كبار السن أو زوروهم مرة في اليوم على الأقل:\n"
                   "• هل يشربون الماء بانتظام؟\n• هل منازلهم باردة بما يكفي؟\n• هل لديهم الطعام والأدوية دون الحاجة إلى "
                   "الخروج في الحر؟\n\nإذا بدا عليهم الارتباك أو ارتفاع شديد في الحرارة أو التعب، فاتصلوا بخدمات الطوارئ. "
                   f"زيارة قصيرة قد تنقذ حياة. {HEAT_TAGS}"),
        },
        short_on=(P.X,), long_on=(P.FACEBOOK,), link=f"{HEALTH_SITE}/heat-wave", sources=(WHO_HEAT,),
        comments=(
            ("manager", "Good angle. Can we add one line on what to do if the person seems unwell?"),
            ("editor", "Added to the Facebook version. The X version has no room left, so it relies on the link."),
        ),
    ),
    ItemSpec(
        "smoking", Kind.INFOGRAPHIC, "What happens when you quit: the first year", State.PUBLISHED, "contributor",
        "The body's recovery timeline after the last cigarette, from WHO. Encouraging, never shaming.",
        {
            "en": ("What happens when you quit smoking? After 20 minutes, your heart rate drops. After 12 hours, carbon "
                   "monoxide in your blood returns to normal. After a year, your risk of heart disease is about half a "
                   f"smoker's. {SMOKING_TAGS}",
                   "Your body starts to recover from the moment you stop smoking.\n\n• After 20 minutes, your heart rate "
                   "and blood pressure drop\n• After 12 hours, the carbon monoxide in your blood returns to normal\n• After "
                   "2 to 12 weeks, your circulation and lung function improve\n• After one year, your risk of coronary "
                   "heart disease is about half that of a smoker\n\nIt is never too late to quit, and you do not have to do "
                   f"it alone. {SMOKING_TAGS}"),
            "fr": ("Arrêter de fumer : après 20 minutes, le rythme cardiaque baisse. Après 12 heures, le monoxyde de carbone "
                   "dans le sang redevient normal. Après un an, le risque de maladie cardiaque est réduit de moitié. "
                   f"{SMOKING_TAGS}",
                   "Votre corps commence à récupérer dès que vous arrêtez de fumer.\n\n• Après 20 minutes, le rythme "
                   "cardiaque et la tension artérielle baissent\n• Après 12 heures, le taux de monoxyde de carbone dans le "
                   "sang redevient normal\n• Après 2 à 12 semaines, la circulation et la fonction pulmonaire s'améliorent\n"
                   "• Après un an, le risque de maladie coronarienne est environ deux fois plus faible que chez un fumeur"
                   f"\n\nIl n'est jamais trop tard pour arrêter, et vous n'êtes pas seul. {SMOKING_TAGS}"),
            "ar": ("ماذا يحدث عندما تتوقف عن التدخين؟ بعد 20 دقيقة ينخفض معدل ضربات القلب. بعد 12 ساعة يعود أول أكسيد "
                   "الكربون في الدم إلى طبيعته. بعد سنة ينخفض خطر أمراض القلب إلى النصف تقريبًا. "
                   f"{SMOKING_TAGS}",
                   "يبدأ جسمك بالتعافي منذ اللحظة التي تتوقف فيها عن التدخين.\n\n• بعد 20 دقيقة ينخفض معدل ضربات القلب "
                   "وضغط الدم\n• بعد 12 ساعة يعود مستوى أول أكسيد الكربون في الدم إلى طبيعته\n• بعد أسبوعين إلى 12 "
                   "أسبوعًا تتحسن الدورة الدموية ووظائف الرئة\n• بعد سنة ينخفض خطر الإصابة بمرض القلب التاجي إلى نحو نصف "
                   f"خطره لدى المدخن\n\nلم يفت الأوان أبدًا للإقلاع عن التدخين، ولست وحدك في هذه الرحلة. {SMOKING_TAGS}"),
        },
        short_on=(P.X,), long_on=(P.INSTAGRAM, P.FACEBOOK), link=f"{HEALTH_SITE}/quit-smoking",
        sources=(WHO_QUITTING, WHO_TOBACCO), cards=("smoking",), when=(-12, 18, 0),
        first_comment={
            "en": "Ready to stop? Our free quitline gives you advice from a trained counsellor and a plan of your own.",
            "fr": "Prêt à arrêter ? Notre ligne d'aide gratuite vous offre les conseils d'un tabacologue et un plan sur mesure.",
            "ar": "هل أنت مستعد للإقلاع؟ يقدم لك خطنا المجاني للمساعدة نصائح مستشار مختص وخطة تناسبك.",
        },
    ),
    ItemSpec(
        "smoking", Kind.POST, "Quitline: free help to stop smoking", State.DRAFT, "editor",
        "Promote the free quitline to smokers, and to employers on LinkedIn. English first; translations to follow.",
        {
            "en": ("Ready to quit smoking? Our free quitline offers advice from trained counsellors and a personal plan to "
                   f"help you stop for good. It is never too late to quit. {SMOKING_TAGS}",
                   "Tobacco kills more than 8 million people every year, and most smokers want to stop. Our free quitline "
                   "gives every caller advice from a trained counsellor and a personal plan to quit for good.\n\nEmployers "
                   "and HR teams: share the quitline with your staff and make your workplace tobacco-free. Quitting at any "
                   f"age brings health benefits within weeks. {SMOKING_TAGS}"),
        },
        short_on=(P.X,), long_on=(P.LINKEDIN,), link=f"{HEALTH_SITE}/quit-smoking", sources=(WHO_TOBACCO,),
    ),
    ItemSpec(
        "hands", Kind.INFOGRAPHIC, "Five moments for hand hygiene", State.SCHEDULED, "hospital.editor",
        "The WHO five moments, for staff and for the public: clean hands are the simplest infection control.",
        {
            "en": (f"Clean hands save lives. Our teams clean their hands at five key moments of care, before and after "
                   f"touching a patient. Rub for 20 to 30 seconds or wash for 40 to 60. {HANDS_TAGS}", ""),
        },
        short_on=(P.X,), link="https://www.riverside-hospital.example.org/hand-hygiene", sources=(WHO_HANDS,),
        cards=("hands",), when=(1, 12, 0),
    ),
    ItemSpec(
        "hands", Kind.POST, "Visitors: clean your hands at the ward door", State.DRAFT, "hospital.editor",
        "Remind visitors to use the hand gel when they arrive and leave a ward.",
        {
            "en": ("Visiting a loved one? Please clean your hands with the gel at the ward door, when you arrive and when "
                   f"you leave. It protects patients, and it protects you. {HANDS_TAGS}", ""),
        },
        short_on=(P.X,), link="https://www.riverside-hospital.example.org/visiting",
    ),
]  # fmt: skip
