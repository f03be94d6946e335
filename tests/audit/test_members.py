"""Members added, removed or given another role in the setup site (the admin) go to the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import Event
from campaigns.models import Membership, Role


def organisation_form(world, rows: list[dict[str, object]], initial: int) -> dict[str, object]:
    form = {"name": world.ministry.name, "slug": world.ministry.slug, "timezone": world.ministry.timezone,
            "languages": world.ministry.languages, "memberships-TOTAL_FORMS": len(rows),
            "memberships-INITIAL_FORMS": initial}  # fmt: skip
    for n, row in enumerate(rows):
        form |= {f"memberships-{n}-{name}": value for name, value in row.items()}
    return form


def test_role_changes_additions_and_removals_are_recorded_once_each(world, web_as):
    newcomer = get_user_model().objects.create_user("nina.newcomer", password="x")
    editor = Membership.objects.get(user=world.editor)
    contributor = Membership.objects.get(user=world.contributor)
    row = {"organisation": world.ministry.pk}
    rows = [
        row | {"id": editor.pk, "user": world.editor.pk, "role": Role.MANAGER},
        row | {"id": contributor.pk, "user": world.contributor.pk, "role": Role.CONTRIBUTOR, "DELETE": "on"},
        row | {"user": newcomer.pk, "role": Role.EDITOR},
    ]
    url = reverse("admin:campaigns_organisation_change", args=[world.ministry.pk])

    response = web_as("admin").post(url, organisation_form(world, rows, initial=2))

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    trail = sorted(Event.objects.values_list("action", "object_label", "actor_name", "details"))
    assert trail == [
        ("member.added", "nina.newcomer", "ada.admin", {"role": "editor"}),
        ("member.removed", "carla.contributor", "ada.admin", {"role": "contributor"}),
        ("member.role_changed", "eve.editor", "ada.admin", {"from": "editor", "to": "manager"}),
    ]
    assert set(Event.objects.values_list("organisation", flat=True)) == {world.ministry.pk}


def test_saving_the_organisation_without_member_changes_records_nothing(world, web_as):
    editor = Membership.objects.get(user=world.editor)
    rows = [{"organisation": world.ministry.pk, "id": editor.pk, "user": world.editor.pk, "role": Role.EDITOR}]
    url = reverse("admin:campaigns_organisation_change", args=[world.ministry.pk])

    response = web_as("admin").post(url, organisation_form(world, rows, initial=1))

    assert response.status_code == 302
    assert not Event.objects.exists()
