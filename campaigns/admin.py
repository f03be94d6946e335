"""Admin site for setting up organisations, members, campaigns, items and media."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit import events
from campaigns import (
    admin_corrections,  # noqa: F401  (registers the corrections' read-only admin)
    workflow,
)
from campaigns.admin_access import (
    ScopedAdmin,
    ScopedHistoryAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    is_organisation_admin,
    scoped,
)
from campaigns.forms import CampaignForm, MediaAssetForm, OrganisationForm
from campaigns.languages import language_name
from campaigns.models import (
    Campaign,
    Comment,
    ContentItem,
    MediaAsset,
    Membership,
    Myth,
    MythDebunk,
    MythResponse,
    MythSource,
    Observance,
    Organisation,
    PartnerFeedback,
    PartnerLink,
    PartnerLinkUse,
    Source,
    Variant,
    VariantMedia,
)
from campaigns.versions import content_hash


class MembershipTrailMixin:
    """Memberships are set up here, in inlines of organisations and of people: who was added, removed, or given
    another role goes to the audit trail."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        ids = [f.instance.pk for f in formset.forms if f.instance.pk]
        before = {m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("user")}
        super().save_formset(request, form, formset, change)
        ids = [*before, *(m.pk for m in formset.new_objects)]
        after = {m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("user")}
        for pk, old in before.items():
            new = after.get(pk)
            if new is None or (new.user_id, new.organisation_id) != (old.user_id, old.organisation_id):
                _record_member(request.user, "member.removed", old, {"role": old.role})
                if new is not None:
                    _record_member(request.user, "member.added", new, {"role": new.role})
            elif new.role != old.role:
                _record_member(request.user, "member.role_changed", new, {"from": old.role, "to": new.role})
        for pk in after.keys() - before.keys():
            _record_member(request.user, "member.added", after[pk], {"role": after[pk].role})
        return None


def _record_member(actor: Any, action: str, membership: Membership, details: dict[str, Any]) -> None:
    user = membership.user
    events.record(membership.organisation_id, actor, action, "member", user.pk, user.get_username(), details)


class MembershipInline(ScopedTabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_clinical_reviewer", "credentials", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(MembershipTrailMixin, ScopedAdmin):
    form = OrganisationForm
    list_display = ["name", "slug", "timezone", "language_list", "member_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["logo"]  # a library holds thousands of images
    inlines = [MembershipInline]

    @admin.display(description=_("languages"))
    def language_list(self, obj: Organisation) -> str:
        return ", ".join(language_name(code) for code in obj.languages)

    @admin.display(description=_("members"))
    def member_count(self, obj: Organisation) -> int:
        return obj.memberships.count()

    # Creating or removing whole organisations is the installation operator's job.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Campaign)
class CampaignAdmin(ScopedHistoryAdmin):
    form = CampaignForm
    list_display = ["name", "organisation", "colour_swatch", "start_date", "end_date", "priority"]
    list_filter = ["organisation", "priority", "start_date"]
    search_fields = ["name", "goal"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["logo"]
    list_select_related_always = ["organisation"]

    @admin.display(description=_("colour"))
    def colour_swatch(self, obj: Campaign) -> str:
        return format_html('<span class="swatch" style="background:{}"></span> {}', obj.colour, obj.colour)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "anchor_observance":
            # The built-in observances are everyone's; an organisation's own are its admins'.
            own = scoped(Observance, request.user).values("pk")
            kwargs["queryset"] = Observance.objects.filter(Q(organisation__isnull=True) | Q(pk__in=own))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            action = "campaign.edited" if change else "campaign.created"
            events.record(obj.organisation_id, request.user, action, "campaign", obj.pk, obj.name,
                          {"fields": sorted(form.changed_data), "via": "setup"})  # fmt: skip


class SourceInline(ScopedTabularInline):
    model = Source
    fields = ["url", "title", "kind"]


class VariantInline(ScopedStackedInline):
    model = Variant
    fields = [("platform", "language"), "text", ("link", "first_comment")]
    show_change_link = True


class CommentInline(ScopedTabularInline):
    model = Comment
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]


class ContentEditAdminMixin:
    """Content edited in the admin is an edit like any other: the workflow hears of it.

    Without this, an approved item changed here would stay approved with content nobody approved.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        item = self._item_of(obj)
        # Read from the database: `obj` already holds the form's new values.
        saved = ContentItem.objects.get(pk=item.pk) if change and item is not None else None
        request._planner_fingerprint = content_hash(saved) if saved is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        item = self._item_of(form.instance)
        before = getattr(request, "_planner_fingerprint", None)
        if item is not None and before is not None and content_hash(item) != before:
            ContentItem.objects.filter(pk=item.pk).update(version=F("version") + 1)
            workflow.record_edit(item, request.user, {"change": "admin"})

    def _item_of(self, obj: Any) -> ContentItem | None:
        return obj if isinstance(obj, ContentItem) else getattr(obj, "item", None)


@admin.register(ContentItem)
class ContentItemAdmin(ContentEditAdminMixin, ScopedHistoryAdmin):
    list_display = ["title", "campaign", "kind", "state", "author", "updated_at"]
    list_filter = ["kind", "state", "is_health_advice", "campaign__organisation", "campaign"]
    search_fields = ["title", "brief", "variants__text"]
    readonly_fields = ["state", "version", "created_at", "updated_at"]
    fields = [
        "campaign",
        "kind",
        "title",
        "brief",
        "is_health_advice",
        "author",
        "state",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [SourceInline, VariantInline, CommentInline]
    list_select_related_always = ["campaign", "author"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}


class VariantMediaInline(ScopedTabularInline):
    model = VariantMedia
    fields = ["asset", "position"]


@admin.register(Variant)
class VariantAdmin(ContentEditAdminMixin, ScopedHistoryAdmin):
    list_display = ["item", "platform", "language", "updated_at"]
    list_filter = ["platform", "language"]
    search_fields = ["text", "item__title"]
    inlines = [VariantMediaInline]
    list_select_related_always = ["item"]


@admin.register(MediaAsset)
class MediaAssetAdmin(ScopedHistoryAdmin):
    form = MediaAssetForm
    list_display = ["thumbnail", "title", "organisation", "kind", "dimensions", "created_at"]
    list_filter = ["organisation", "kind"]
    search_fields = ["title", "alt_text"]
    readonly_fields = ["kind", "mime_type", "width", "height", "size_bytes", "checksum", "image_text", "created_at"]
    list_select_related_always = ["organisation"]

    @admin.display(description=_("preview"))
    def thumbnail(self, obj: MediaAsset) -> str:
        if obj.kind == MediaAsset.Kind.VIDEO or not obj.file:
            return "—"
        return format_html('<img src="{}" alt="" class="thumb">', obj.file.url)

    @admin.display(description=_("size"))
    def dimensions(self, obj: MediaAsset) -> str:
        return f"{obj.width}×{obj.height}" if obj.width else "—"

    def save_model(self, request: HttpRequest, obj: MediaAsset, form: Any, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Observance)
class ObservanceAdmin(ScopedAdmin):
    """An organisation's own observances; the built-in ones (no organisation) only the operator changes."""

    list_display = ["name", "organisation", "month", "day", "weekday", "ordinal", "duration_days"]
    list_filter = ["organisation", "month"]
    search_fields = ["name", "description"]
    list_select_related_always = ["organisation"]


class MythDebunkInline(ScopedStackedInline):
    model = MythDebunk
    fields = ["language", "text"]


class MythSourceInline(ScopedTabularInline):
    model = MythSource
    fields = ["url", "title"]


class MythResponseInline(ScopedTabularInline):
    model = MythResponse
    fields = ["item", "created_by", "created_at"]
    readonly_fields = fields  # made by answering the myth on its page, which drafts the item

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Myth)
class MythAdmin(ScopedHistoryAdmin):
    list_display = ["claim", "organisation", "status", "first_seen"]
    list_filter = ["organisation", "status"]
    search_fields = ["claim"]
    date_hierarchy = "first_seen"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [MythDebunkInline, MythSourceInline, MythResponseInline]
    list_select_related_always = ["organisation"]

    def save_model(self, request: HttpRequest, obj: Myth, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            action = "myth.edited" if change else "myth.recorded"
            events.record(obj.organisation_id, request.user, action, "myth", obj.pk, obj.claim,
                          {"fields": sorted(form.changed_data), "via": "setup"})  # fmt: skip


User = get_user_model()
admin.site.unregister(User)
# Roles come from memberships, not from Django's groups and permissions.
admin.site.unregister(Group)


class UserMembershipInline(ScopedTabularInline):
    model = Membership
    fk_name = "user"
    fields = ["organisation", "role", "is_clinical_reviewer", "credentials"]


@admin.register(User)
class ScopedUserAdmin(MembershipTrailMixin, UserAdmin):
    """People: an organisation admin manages the members of their organisations, without privileges."""

    inlines = [UserMembershipInline]
    member_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return scoped(User, request.user)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.member_fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if request.user.is_superuser else ("last_login", "date_joined")

    def get_list_filter(self, request: HttpRequest) -> Any:
        return super().get_list_filter(request) if request.user.is_superuser else ("is_active",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organisation_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organisation_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_organisation_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.is_superuser or obj.is_staff) and not request.user.is_superuser:
            return obj == request.user
        return is_organisation_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class PartnerLinkUseInline(ScopedTabularInline):
    model = PartnerLinkUse
    fields = ["at", "action", "ip", "user_agent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


class PartnerFeedbackInline(ScopedTabularInline):
    model = PartnerFeedback
    fields = ["at", "kind", "body", "item_version"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(PartnerLink)
class PartnerLinkAdmin(ScopedAdmin):
    """Seen here, made and revoked on the item page: the service signs the token and writes the audit trail."""

    list_display = ["partner_name", "partner_email", "item", "created_at", "expires_at", "revoked_at"]
    search_fields = ["partner_name", "partner_email", "item__title"]
    fields = ["item", "partner_name", "partner_email", "created_by", "created_at", "expires_at", "revoked_at",
              "revoked_by"]  # fmt: skip
    readonly_fields = fields
    inlines = [PartnerFeedbackInline, PartnerLinkUseInline]
    list_select_related_always = ["item"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of who opened what stays


# The evidence models' admins, in their own module (this one is long enough).
from campaigns import admin_evidence  # noqa: E402, F401
