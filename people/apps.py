from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and their preferences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from people import signals  # noqa: F401
