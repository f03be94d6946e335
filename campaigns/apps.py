from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sets Pillow's decompression-bomb limit in every process (web and workers), not only where uploads happen.
        from campaigns import media_intake  # noqa: F401
