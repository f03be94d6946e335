"""The platforms the planner publishes to: the one list that model choices come from.

The adapters (publishing/adapters/) register one class per entry here; nothing else in the
project knows a platform's quirks.
"""

from django.db import models


class Platform(models.TextChoices):
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    THREADS = "threads", "Threads"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
