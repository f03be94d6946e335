from django.contrib import admin

from campaigns.admin_access import ScopedAdmin
from security.models import SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(ScopedAdmin):
    list_display = ["organisation", "require_two_factor_for_managers", "updated_at"]
    list_select_related_always = ("organisation",)
