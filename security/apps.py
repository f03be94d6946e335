from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Sign-in protection")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from security import sessions

        user_logged_in.connect(sessions.start_clock, dispatch_uid="security.start_session_clock")
