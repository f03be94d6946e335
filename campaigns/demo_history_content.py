"""The demo's past, as data: what each campaign posted over the last months, how well each kind of post, platform,
language and time of day did, and the campaigns' targets. `campaigns/demo_history.py` turns it into rows."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.demo_content import HOSPITAL, MINISTRY, Kind, P

HISTORY_DAYS = 180
# Items published on a day where the organisation works: weekdays busier than weekends.
ITEMS_PER_DAY = {MINISTRY: ((0, 1, 1), (0, 0, 1)), HOSPITAL: ((1,), (0, 1))}  # (weekday, weekend) choices
# Where the posts go out (local hours), weighted: the team posts at the good times more often, but not only.
WEEKDAY_HOURS = {8: 4, 9: 4, 10: 2, 12: 2, 14: 2, 16: 2, 18: 3, 19: 3, 21: 2, 23: 1}
WEEKEND_HOURS = {11: 2, 17: 2, 22: 1}

# The built-in pattern "best posting times" should find: weekday mornings and evenings draw the most.
GOOD_HOURS = {8, 9, 10, 18, 19, 20}
GOOD_HOUR_AUDIENCE = 3.0
NIGHT_AUDIENCE = 0.4  # 21:00 to 06:59
WEEKEND_AUDIENCE = 0.55
KIND_AUDIENCE = {Kind.POST: 1.0, Kind.INFOGRAPHIC: 1.3, Kind.VIDEO: 1.8, Kind.ALERT: 2.5}
LANGUAGE_AUDIENCE = {"ar": 1.15, "fr": 1.0, "en": 0.6}
# A typical post's eventual impressions (or views) per platform, before the factors above.
PLATFORM_AUDIENCE = {P.FACEBOOK: 5_200, P.YOUTUBE: 3_800, P.INSTAGRAM: 3_400, P.X: 2_600, P.THREADS: 1_100,
                     P.LINKEDIN: 1_400, P.BLUESKY: 500, P.MASTODON: 350}  # fmt: skip
# Where each kind goes, and how many of those platforms an item uses (the first of a video's is always YouTube).
KIND_PLATFORMS = {
    Kind.POST: ((P.X, P.FACEBOOK, P.BLUESKY, P.MASTODON, P.THREADS, P.LINKEDIN), 3),
    Kind.INFOGRAPHIC: ((P.INSTAGRAM, P.FACEBOOK, P.X, P.LINKEDIN), 2),
    Kind.VIDEO: ((P.YOUTUBE, P.FACEBOOK, P.INSTAGRAM, P.LINKEDIN), 2),
    Kind.ALERT: ((P.X, P.FACEBOOK, P.MASTODON, P.BLUESKY, P.THREADS), 4),
}


@dataclass(frozen=True)
class Topic:
    title: str
    texts: dict[str, str]  # language: a short text that fits every platform with the link and hashtags


@dataclass(frozen=True)
class PastCampaign:
    kinds: dict[str, int]  # kind: weight
    path: str  # of the ministry's page the posts link to
    topics: tuple[Topic, ...]


PAST: dict[str, PastCampaign] = {
    # Kinds the campaign has media for (its infographics and videos carry its cards and videos); summer has none.
    "summer": PastCampaign({Kind.POST: 5, Kind.ALERT: 2}, "heat", (
        Topic("Heat warning for the coming days", {
            "en": "Heat warning: temperatures above 42 °C are expected. Stay indoors from 11:00 to 17:00 and drink water often.",
            "fr": "Alerte chaleur : plus de 42 °C attendus. Restez à l'intérieur de 11 h à 17 h et buvez de l'eau souvent.",
            "ar": "تحذير من الحر: يُتوقع تجاوز 42 درجة. ابقوا في الداخل من 11 إلى 17 واشربوا الماء باستمرار."}),
        Topic("Signs of heat stroke", {
            "en": "Confusion, hot dry skin, a fast pulse: these are signs of heat stroke. Call emergency services at once.",
            "fr": "Confusion, peau chaude et sèche, pouls rapide : ce sont des signes de coup de chaleur. Appelez les secours.",
            "ar": "الارتباك وجفاف الجلد وسرعة النبض من علامات ضربة الشمس. اتصلوا بالإسعاف فورًا."}),
        Topic("Keep children cool", {
            "en": "Never leave a child in a parked car, even for a few minutes. Dress children lightly and offer water often.",
            "fr": "Ne laissez jamais un enfant dans une voiture garée. Habillez-le légèrement et proposez-lui souvent de l'eau.",
            "ar": "لا تتركوا طفلًا في سيارة متوقفة ولو لدقائق. ألبسوه ملابس خفيفة وقدموا له الماء باستمرار."}),
        Topic("Outdoor workers in the heat", {
            "en": "Working outdoors? Take breaks in the shade, drink before you are thirsty and avoid the hottest hours.",
            "fr": "Vous travaillez dehors ? Faites des pauses à l'ombre, buvez avant d'avoir soif, évitez les heures chaudes.",
            "ar": "تعملون في الخارج؟ خذوا فترات راحة في الظل واشربوا قبل الشعور بالعطش وتجنبوا ساعات الذروة."}),
    )),
    "smoking": PastCampaign({Kind.POST: 5, Kind.INFOGRAPHIC: 3}, "quit-smoking", (
        Topic("Quitting at any age helps", {
            "en": "It is never too late: quitting smoking at any age adds years of healthy life. Free help is available.",
            "fr": "Il n'est jamais trop tard : arrêter de fumer à tout âge ajoute des années de vie en bonne santé.",
            "ar": "لم يفت الأوان أبدًا: الإقلاع عن التدخين في أي عمر يضيف سنوات من الحياة الصحية."}),
        Topic("Cravings pass", {
            "en": "A craving lasts a few minutes. Drink water, take a walk, call a friend: it will pass.",
            "fr": "Une envie de fumer dure quelques minutes. Buvez de l'eau, marchez, appelez un ami : elle passera.",
            "ar": "الرغبة في التدخين تدوم بضع دقائق. اشربوا الماء أو امشوا قليلًا أو اتصلوا بصديق: ستزول."}),
        Topic("Second-hand smoke", {
            "en": "There is no safe level of second-hand smoke. Keep your home and car smoke-free for your children.",
            "fr": "Aucun niveau de tabagisme passif n'est sans danger. Gardez maison et voiture sans fumée pour vos enfants.",
            "ar": "لا يوجد مستوى آمن من التدخين السلبي. حافظوا على منازلكم وسياراتكم خالية من الدخان لأجل أطفالكم."}),
    )),
    "flu": PastCampaign({Kind.POST: 4, Kind.INFOGRAPHIC: 2, Kind.VIDEO: 3}, "flu-vaccine", (
        Topic("Get your flu vaccine before winter", {
            "en": "Flu season is coming. The vaccine takes two weeks to protect you: get it now at your health centre.",
            "fr": "La grippe arrive. Le vaccin protège après deux semaines : faites-le maintenant dans votre centre de santé.",
            "ar": "موسم الإنفلونزا يقترب. يحميكم اللقاح بعد أسبوعين: احصلوا عليه الآن في مركزكم الصحي."}),
        Topic("Flu vaccine and pregnancy", {
            "en": "Pregnant? The flu vaccine is safe at any stage of pregnancy and protects your baby in its first months.",
            "fr": "Enceinte ? Le vaccin contre la grippe est sûr à tout stade et protège votre bébé ses premiers mois.",
            "ar": "حامل؟ لقاح الإنفلونزا آمن في أي مرحلة من الحمل ويحمي طفلك في أشهره الأولى."}),
        Topic("Health workers, protect your patients", {
            "en": "Health and care workers: your flu vaccine protects the patients you care for. Free at work this month.",
            "fr": "Soignants : votre vaccin contre la grippe protège vos patients. Gratuit sur votre lieu de travail ce mois-ci.",
            "ar": "العاملون في الصحة: لقاحكم ضد الإنفلونزا يحمي مرضاكم. مجاني في أماكن العمل هذا الشهر."}),
    )),
    "blood": PastCampaign({Kind.POST: 4, Kind.INFOGRAPHIC: 2, Kind.VIDEO: 3}, "give-blood", (
        Topic("Register as a donor", {
            "en": "Blood donation week is coming. Register now as a donor and choose the centre and time that suit you.",
            "fr": "La semaine du don du sang approche. Inscrivez-vous comme donneur et choisissez votre centre et votre heure.",
            "ar": "أسبوع التبرع بالدم يقترب. سجلوا الآن كمتبرعين واختاروا المركز والوقت المناسبين لكم."}),
        Topic("One donation, three lives", {
            "en": "One donation can help up to three patients. It takes about an hour, and ten minutes of it giving blood.",
            "fr": "Un don peut aider jusqu'à trois patients. Il prend environ une heure, dont dix minutes de prélèvement.",
            "ar": "تبرع واحد قد يساعد ثلاثة مرضى. يستغرق نحو ساعة، منها عشر دقائق فقط لسحب الدم."}),
        Topic("First-time donors", {
            "en": "Aged 18 to 30 and never given blood? Bring a friend: first-time donors are welcome at every centre.",
            "fr": "Vous avez 18 à 30 ans et n'avez jamais donné ? Venez avec un ami : les nouveaux donneurs sont bienvenus.",
            "ar": "عمرك بين 18 و30 ولم تتبرع من قبل؟ أحضر صديقًا: المتبرعون الجدد مرحب بهم في كل مركز."}),
    )),
    "hands": PastCampaign({Kind.POST: 3, Kind.INFOGRAPHIC: 2}, "hand-hygiene", (
        Topic("Clean hands at the ward door", {
            "en": "Visiting a patient? Clean your hands with the gel at the ward door, on the way in and on the way out."}),
        Topic("Twenty seconds of hand rub", {
            "en": "Hand rub works in 20 to 30 seconds: cover every surface of your hands until they are dry."}),
    )),
}  # fmt: skip

# The campaigns' targets, as the teams set them: (campaign, measure, target, extra fields).
TARGETS: list[tuple[str, str, int, dict[str, object]]] = [
    ("blood", "outcome", 5_000, {"label": "blood donors registered", "achieved": 3_120}),
    ("blood", "reach", 150_000, {}),
    ("blood", "items", 80, {}),
    ("flu", "reach", 2_000_000, {}),
    ("flu", "engagement", 60_000, {}),
    ("flu", "items", 12, {"kind": Kind.VIDEO, "platform": P.YOUTUBE}),
    ("flu", "outcome", 250_000, {"label": "people vaccinated at health centres", "achieved": 96_400}),
    ("smoking", "reach", 600_000, {}),
    ("smoking", "engagement", 40_000, {}),
    ("summer", "reach", 1_200_000, {}),  # met: the summer is over
    ("summer", "items", 50, {"kind": Kind.ALERT}),
    ("hands", "items", 12, {}),
]
