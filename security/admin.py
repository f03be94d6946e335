"""The admin pages of sign-in protection: an organisation's policy, and its members' lockouts and devices.

django-axes and django-otp register admins that show every row to whoever may see the model; here
they are replaced by ones that show an organisation admin its own members' rows only. They may look
and delete (deleting a lockout unlocks; deleting a device resets a lost second factor), never add or
edit: an authenticator's secret comes from its owner's enrolment, and is never shown.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.admin_access import ScopedAdmin, is_organisation_admin, users_visible_to
from security import two_factor
from security.models import SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(ScopedAdmin):
    list_display = ["organisation", "require_two_factor_for_managers", "updated_at"]
    list_select_related_always = ("organisation",)


class MembersRowsMixin:
    """Rows about the people `users_visible_to` the admin; the installation's operator keeps every power."""

    # From the row to the person: a username (axes) or the user itself (django-otp).
    person_lookup = "user__in"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        people = users_visible_to(request.user)
        if self.person_lookup == "username__in":
            people = people.values("username")
        return rows.filter(**{self.person_lookup: people})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_organisation_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or is_organisation_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or is_organisation_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)


class ScopedAccessAttemptAdmin(MembersRowsMixin, AccessAttemptAdmin):
    person_lookup = "username__in"


class ScopedAccessLogAdmin(MembersRowsMixin, AccessLogAdmin):
    person_lookup = "username__in"


class ScopedAccessFailureLogAdmin(MembersRowsMixin, AccessFailureLogAdmin):
    person_lookup = "username__in"


class ScopedTOTPDeviceAdmin(MembersRowsMixin, TOTPDeviceAdmin):
    # Removing someone's authenticator resets their second factor: their backup codes go with it.
    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        two_factor.forget_devices([obj.user_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        two_factor.forget_devices(list(queryset.values_list("user_id", flat=True)))


class ScopedStaticDeviceAdmin(MembersRowsMixin, StaticDeviceAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, ScopedAccessAttemptAdmin),
    (AccessLog, ScopedAccessLogAdmin),
    (AccessFailureLog, ScopedAccessFailureLogAdmin),
    (TOTPDevice, ScopedTOTPDeviceAdmin),
    (StaticDevice, ScopedStaticDeviceAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
