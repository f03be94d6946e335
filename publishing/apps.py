from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import pgettext_lazy


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = pgettext_lazy("a part of the setup site", "Publishing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from publishing import account_tasks  # noqa: F401 -- registers its tasks (autodiscovery reads tasks.py only)
        from publishing.guards import drop_before_migrating, recreate_after_migrating

        pre_migrate.connect(drop_before_migrating, sender=self, dispatch_uid="publishing-guards-drop")
        post_migrate.connect(recreate_after_migrating, sender=self, dispatch_uid="publishing-guards-create")
