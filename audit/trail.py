"""Reading the audit trail: who may, and the filtered list the page shows and the CSV export streams."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Action, Event, ObjectType
from campaigns.models import Organisation, Role

AUDITING_ROLES = (Role.ADMIN,)


def organisations_audited_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations whose trail `user` may read: those they administer (every one, for a superuser)."""
    return Organisation.objects.for_user(user, roles=AUDITING_ROLES)


def may_audit(user: AbstractBaseUser | AnonymousUser) -> bool:
    return organisations_audited_by(user).exists()


def check_may_audit(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations `user` audits; PermissionDenied (403) when there are none."""
    audited = organisations_audited_by(user)
    if not audited.exists():
        raise PermissionDenied("Only an organisation's admins read its audit trail.")
    return audited


class EventFilter(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("Any organisation")
    )
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Anyone")
    )
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Any action")), *Action.choices], required=False)
    object_type = forms.ChoiceField(
        label=_("Object type"), choices=[("", _("Any object")), *ObjectType.choices], required=False
    )
    object = forms.CharField(
        label=_("Object"), max_length=200, required=False, help_text=_("Its number, or words of its name.")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, audited: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audited = audited
        self.fields["organisation"].queryset = audited
        self.fields["actor"].queryset = (
            get_user_model().objects.filter(memberships__organisation__in=audited).distinct().order_by("username")
        )
        if len(audited) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def filtered_events(audited: QuerySet[Organisation], filters: dict[str, Any]) -> QuerySet[Event]:
    """The events of the `audited` organisations that match `filters` (an `EventFilter`'s cleaned data), newest
    first. Dates are days where each organisation works: a day starts at its local midnight."""
    events = Event.objects.filter(organisation__in=audited).select_related("organisation")
    if organisation := filters.get("organisation"):
        events = events.filter(organisation=organisation)
    if actor := filters.get("actor"):
        events = events.filter(actor=actor)
    if action := filters.get("action"):
        events = events.filter(action=action)
    if object_type := filters.get("object_type"):
        events = events.filter(object_type=object_type)
    if words := (filters.get("object") or "").strip():
        events = events.filter(Q(object_id=words) | Q(object_label__icontains=words))
    start, end = filters.get("date_from"), filters.get("date_to")
    if start or end:
        events = events.filter(_within_days(audited, start, end))
    return events.order_by("-at", "-pk")


def _within_days(audited: QuerySet[Organisation], start: dt.date | None, end: dt.date | None) -> Q:
    # One condition per time zone in use, not per organisation: a superuser audits every organisation.
    within = Q(pk__in=[])
    for name in audited.values_list("timezone", flat=True).distinct():
        zone = zoneinfo.ZoneInfo(name)
        condition = Q(organisation__timezone=name)
        if start:
            condition &= Q(at__gte=_midnight(start, zone))
        if end:
            condition &= Q(at__lt=_midnight(end + dt.timedelta(days=1), zone))
        within |= condition
    return within


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
