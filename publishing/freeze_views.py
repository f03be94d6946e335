"""The freeze page: managers stop publishing with one click and lift it when it is safe. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from campaigns.models import Campaign, Organisation
from campaigns.workflow import WorkflowError
from publishing import freezes
from publishing.models import Freeze, SocialAccount


class FreezeForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    campaign = forms.ModelChoiceField(label=_("Only this campaign"), queryset=Campaign.objects.none(), required=False)
    account = forms.ModelChoiceField(
        label=_("Only this account"), queryset=SocialAccount.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.for_user(user)
        self.fields["campaign"].queryset = Campaign.objects.for_user(user)
        self.fields["account"].queryset = SocialAccount.objects.for_user(user)
        if self.fields["organisation"].queryset.count() == 1:
            self.fields["organisation"].initial = self.fields["organisation"].queryset.first()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("campaign") and cleaned.get("account"):
            raise forms.ValidationError(_("Freeze a campaign or an account, not both (or neither, for everything)."))
        return cleaned


@login_required
def freeze_list(request: HttpRequest) -> HttpResponse:
    form = FreezeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            freeze = freezes.start_freeze(
                data["organisation"], request.user, data["reason"], data["campaign"], data["account"]
            )
        except WorkflowError as refusal:
            return _page(request, form, refusal.status, refusal)
        messages.warning(request, _("Publishing is frozen for %(scope)s.") % {"scope": freeze.scope_label})
        return redirect("freezes")
    return _page(request, form, 400 if request.method == "POST" else 200)


@login_required
@require_POST
def freeze_lift(request: HttpRequest, pk: int) -> HttpResponse:
    freeze = get_object_or_404(Freeze.objects.for_user(request.user), pk=pk)
    try:
        lifted = freezes.lift_freeze(freeze, request.user)
    except WorkflowError as refusal:
        return _page(request, FreezeForm(user=request.user), refusal.status, refusal)
    held = ", ".join(f"“{item.title}”" for item in lifted.held_items) or _("none")
    messages.success(
        request,
        _("Freeze lifted. Held items are back in review, to approve and reschedule: %(held)s.") % {"held": held},
    )
    if lifted.overdue_items:
        overdue = ", ".join(f"“{item.title}”" for item in lifted.overdue_items)
        messages.warning(
            request,
            _("These were due during the freeze: decide whether to publish them now or later: %(overdue)s.")
            % {"overdue": overdue},
        )
    return redirect("freezes")


def _page(request: HttpRequest, form: FreezeForm, status: int, refusal: WorkflowError | None = None) -> HttpResponse:
    all_freezes = Freeze.objects.for_user(request.user).select_related(
        "organisation", "campaign", "account", "started_by", "lifted_by"
    )
    context = {
        "form": form,
        "active": [f for f in all_freezes if f.lifted_at is None],
        "past": [f for f in all_freezes if f.lifted_at is not None][:20],
        "refusal": refusal,
    }
    return render(request, "publishing/freezes.html", context, status=status)
