from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "publishing.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox platform"
    default_auto_field = "django.db.models.BigAutoField"
