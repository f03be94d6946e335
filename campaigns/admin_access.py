"""Who may use the admin site, and on which rows: organisation admins on their own organisations.

The admin site is where an organisation's admins set up members, campaigns and accounts. Every
model admin here limits its rows and its choice lists through the one scoping helper
(`for_user(user, roles=ADMIN_ROLES)`), so an admin of one organisation never sees another's.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from campaigns.models import Role
from campaigns.scoping import OrganisationQuerySet, organisation_ids_of

ADMIN_ROLES = (Role.ADMIN,)


def is_organisation_admin(user: Any) -> bool:
    """Whether `user` may use the admin site: a superuser, or an admin of some organisation."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or organisation_ids_of(user, ADMIN_ROLES).exists()


def users_visible_to(user: Any) -> QuerySet:
    """Members of the organisations `user` administers, and people not yet in any organisation.

    People without an organisation are shown so that an admin can add the person they just
    created; the installation's operators (staff without an organisation) stay hidden.
    """
    users = get_user_model().objects.order_by("username")
    if user.is_superuser:
        return users
    unassigned = Q(memberships=None, is_staff=False, is_superuser=False)
    return users.filter(Q(memberships__organisation__in=organisation_ids_of(user, ADMIN_ROLES)) | unassigned).distinct()


def scoped(model: type[models.Model], user: Any) -> QuerySet:
    """The rows of `model` that `user` administers."""
    if model is get_user_model():
        return users_visible_to(user)
    queryset = model._default_manager.all()
    if isinstance(queryset, OrganisationQuerySet):
        return queryset.for_user(user, roles=None if user.is_superuser else ADMIN_ROLES)
    return queryset


class OrganisationScopedMixin:
    """For ModelAdmin and inlines: rows, choices and permissions limited to the user's organisations."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scoped(self.model, request.user).select_related(*getattr(self, "list_select_related_always", ()))

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A plain related filter lists every row of the related model, other organisations' too;
        # offer only the values found in the rows this user may see.
        return [
            (name, admin.RelatedOnlyFieldListFilter) if isinstance(name, str) and self._is_relation(name) else name
            for name in super().get_list_filter(request)
        ]

    def _is_relation(self, path: str) -> bool:
        return get_fields_from_path(self.model, path)[-1].is_relation

    def formfield_for_foreignkey(self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", scoped(db_field.remote_field.model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", scoped(db_field.remote_field.model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organisation_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organisation_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_organisation_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organisation_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organisation_admin(request.user)


class ScopedAdmin(OrganisationScopedMixin, admin.ModelAdmin):
    pass


class ScopedRecordAdmin(ScopedAdmin):
    """A record kept forever (a decision and what came of it): looked at here, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """History pages for scoped rows only.

    simple-history falls back to the history table when an object is outside the queryset, which
    would show (and let one revert) another organisation's rows: refuse before it gets there.
    """

    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedTabularInline(OrganisationScopedMixin, admin.TabularInline):
    extra = 0


class ScopedStackedInline(OrganisationScopedMixin, admin.StackedInline):
    extra = 0
