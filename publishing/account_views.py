"""The accounts page: connected accounts and their state, and connecting one. Thin.

Admins and managers connect and reconnect; everyone else in the organisation sees the page.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from campaigns.models import Organisation
from publishing import connecting, quiet_hours, reconnect
from publishing.adapters.base import shared_client
from publishing.connect import bluesky, providers
from publishing.connect.oauth import ConnectRefused
from publishing.models import Publication, SocialAccount
from publishing.platforms import Platform

SCHEDULED_SHOWN = 5  # per account; the calendar shows the rest
GENERIC_PLATFORMS = [p for p in Platform.values if p in providers.PROVIDERS]


class OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    prefix_id = "connect"

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        # Several of these forms share the page: their ids must not clash.
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)
        managed = connecting.organisations_managed_by(user)
        self.fields["organisation"].queryset = managed
        if len(managed) == 1:
            self.fields["organisation"].initial = managed[0]
            self.fields["organisation"].widget = forms.HiddenInput()


class MastodonForm(OrganisationForm):
    prefix_id = "mastodon"
    server = forms.CharField(
        label=_("Server"), max_length=300, help_text=_("Where the account lives, e.g. mastodon.social.")
    )


class BlueskyForm(OrganisationForm):
    prefix_id = "bluesky"
    handle = forms.CharField(label=_("Handle"), max_length=253, help_text=_("e.g. health.bsky.social"))
    app_password = forms.CharField(
        label=_("App password"), max_length=40, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("An app password made for the planner (Settings → Privacy and security → App passwords), "
                    "never the account's main password."),
    )  # fmt: skip
    pds = forms.CharField(
        label=_("Server"), max_length=300, required=False, initial=bluesky.DEFAULT_PDS,
        help_text=_("Leave as is unless the account is hosted elsewhere than bsky.social."),
    )  # fmt: skip


class OAuthForm(OrganisationForm):
    platform = forms.ChoiceField(choices=[(p, Platform(p).label) for p in GENERIC_PLATFORMS], widget=forms.HiddenInput)
    handle = forms.CharField(
        label=_("Page or handle"), max_length=200, required=False,
        help_text=_("Leave it empty: the platform tells the planner which account it is. For Facebook, the Page's "
                    "name when the login manages several Pages."),
    )  # fmt: skip


class QuietHoursForm(forms.Form):
    """An account's quiet hours, in the organisation's time zone; both empty: none."""

    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("No posts between these local times unless it is an alert or crisis communication."),
    )  # fmt: skip

    def __init__(self, *args: object, account: SocialAccount, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"quiet{account.pk}_%s")
        kwargs.setdefault("initial", {"quiet_from": account.quiet_from, "quiet_until": account.quiet_until})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        try:
            quiet_hours.validate_window(data.get("quiet_from"), data.get("quiet_until"))
        except ValidationError as error:
            self.add_error(None, error)
        return data


@login_required
@require_POST
def account_quiet_hours(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(SocialAccount.objects.for_user(request.user).select_related("organisation"), pk=pk)
    if not connecting.may_manage(request.user, account.organisation):
        return _page(request, refusal=_("Only the organisation's admins and managers set quiet hours."), status=403)
    form = QuietHoursForm(request.POST, account=account)
    if not form.is_valid():
        return _page(request, quiet_forms={account.pk: form}, status=400)
    quiet_hours.set_quiet_hours(
        account, request.user, form.cleaned_data["quiet_from"], form.cleaned_data["quiet_until"]
    )
    messages.success(request, _("%(handle)s's quiet hours are saved.") % {"handle": account.handle})
    return redirect("accounts")


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def connect_mastodon(request: HttpRequest) -> HttpResponse:
    form = MastodonForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, mastodon_form=form, status=400)
    redirect_uri = _callback_uri(request)
    try:
        url = connecting.start_mastodon(
            request.user, form.cleaned_data["organisation"], form.cleaned_data["server"], redirect_uri,
            request.session, shared_client(),
        )  # fmt: skip
    except ConnectRefused as refusal:
        return _refused(request, form, refusal, "mastodon_form")
    return redirect(url)


@login_required
@require_POST
def connect_bluesky(request: HttpRequest) -> HttpResponse:
    form = BlueskyForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, bluesky_form=form, status=400)
    data = form.cleaned_data
    try:
        account = connecting.connect_bluesky(
            request.user, data["organisation"], data["handle"], data["app_password"], data["pds"], shared_client()
        )
    except ConnectRefused as refusal:
        return _refused(request, form, refusal, "bluesky_form")
    messages.success(request, _("%(handle)s is connected.") % {"handle": account.handle})
    return redirect("accounts")


@login_required
@require_POST
def connect_oauth(request: HttpRequest) -> HttpResponse:
    platform = request.POST.get("platform", "")
    if platform not in GENERIC_PLATFORMS:
        return _page(request, refusal=f"Accounts on “{platform}” are not connected this way.", status=400)
    form = OAuthForm(request.POST, user=request.user, auto_id=f"{platform}_%s")
    if not form.is_valid():
        return _page(request, oauth_form=form, oauth_platform=platform, status=400)
    try:
        url = connecting.start_oauth(
            request.user, form.cleaned_data["organisation"], platform, form.cleaned_data["handle"],
            _callback_uri(request), request.session,
        )  # fmt: skip
    except ConnectRefused as refusal:
        return _refused(request, form, refusal, "oauth_form", oauth_platform=platform)
    return redirect(url)


@login_required
@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    try:
        account = connecting.finish_oauth(request.user, request.session, request.GET, shared_client())
    except ConnectRefused as refusal:
        return _page(request, refusal=refusal.message, status=400)
    messages.success(request, _("%(handle)s is connected.") % {"handle": account.handle})
    return redirect("accounts")


@login_required
@require_POST
def disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(SocialAccount.objects.for_user(request.user), pk=pk)
    if not connecting.may_manage(request.user, account.organisation):
        return _page(request, refusal=_("Only the organisation's admins and managers disconnect accounts."), status=403)
    cancelled = connecting.disconnect(request.user, account)
    done = _("%(handle)s is disconnected: the planner forgot its credentials.") % {"handle": account.handle}
    if cancelled:
        done += " " + ngettext(
            "%(n)s scheduled publication was cancelled.", "%(n)s scheduled publications were cancelled.", cancelled
        ) % {"n": cancelled}
    messages.success(request, done)
    return redirect("accounts")


def _refused(
    request: HttpRequest, form: forms.Form, refusal: ConnectRefused, name: str, **context: object
) -> HttpResponse:
    if refusal.field and refusal.field in form.fields:
        form.add_error(refusal.field, refusal.message)
    else:
        form.add_error(None, refusal.message)
    return _page(request, status=400, **{name: form}, **context)


def _callback_uri(request: HttpRequest) -> str:
    # The redirect URL to register with each platform's app (the README says so).
    return request.build_absolute_uri(reverse("account_callback"))


def _page(request: HttpRequest, *, status: int = 200, refusal: str = "", **forms_given: object) -> HttpResponse:
    accounts = list(SocialAccount.objects.for_user(request.user).select_related("organisation"))
    upcoming = defaultdict(list)
    waiting = Publication.objects.for_user(request.user).filter(state__in=reconnect.WAITING, account__in=accounts)
    for publication in waiting.select_related("variant__item").order_by("scheduled_at"):
        upcoming[publication.account_id].append(publication)
    user = request.user
    managed = set(connecting.organisations_managed_by(user).values_list("pk", flat=True))
    quiet_forms: dict = forms_given.get("quiet_forms") or {}
    rows = [
        {"account": a, "state": reconnect.connection_state(a), "scheduled": upcoming[a.pk][:SCHEDULED_SHOWN],
         "scheduled_count": len(upcoming[a.pk]), "may_manage": a.organisation_id in managed,
         "quiet_form": quiet_forms.get(a.pk) or QuietHoursForm(account=a)}
        for a in accounts
    ]  # fmt: skip
    may_connect = bool(managed)
    context = {
        "rows": rows, "refusal": refusal, "may_connect": may_connect,
        "mastodon_form": forms_given.get("mastodon_form") or MastodonForm(user=user),
        "bluesky_form": forms_given.get("bluesky_form") or BlueskyForm(user=user),
        "generic": [
            {"platform": p, "label": Platform(p).label, "configured": providers.configured(p) is not None,
             "form": forms_given["oauth_form"] if forms_given.get("oauth_platform") == p
             else OAuthForm(user=user, auto_id=f"{p}_%s", initial={"platform": p}),
             "help": connecting.not_configured_message(p, _callback_uri(request))}
            for p in GENERIC_PLATFORMS
        ],
    }  # fmt: skip
    return render(request, "publishing/accounts.html", context, status=status)
