"""The page that makes a health card (title, one big figure, a line) in the shapes wanted and adds it to the library.

Thin: the rules and the making are campaigns/card_making.py's, shared with the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from campaigns import card_making, selectors
from campaigns.cards import SHAPES, CardText
from campaigns.languages import CONTENT_LANGUAGES
from campaigns.models import Campaign


class CardForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("Campaign"))
    language = forms.ChoiceField(choices=CONTENT_LANGUAGES, label=_("Language"))
    title = forms.CharField(max_length=card_making.TITLE_MAX_CHARS, label=_("Title"))
    figure = forms.CharField(
        max_length=card_making.FIGURE_MAX_CHARS, label=_("Figure"),
        help_text=_("The one big number, as you want it read: 70%, ٧٠٪, 1 in 3."),
    )  # fmt: skip
    line = forms.CharField(
        max_length=card_making.LINE_MAX_CHARS, label=_("Line"), help_text=_("One sentence that says what the figure means.")
    )  # fmt: skip
    shapes = forms.MultipleChoiceField(
        choices=[(s.key, f"{s.ratio} · {s.used_for}") for s in SHAPES.values()],
        initial=list(SHAPES), widget=forms.CheckboxSelectMultiple, label=_("Shapes"),
    )  # fmt: skip

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_user(user).select_related("organisation")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                card_making.check_card(data["campaign"], data["language"], self.text(), data["shapes"])
            except ValidationError as refusal:
                self.add_error(None, refusal)
        return data

    def text(self) -> CardText:
        return CardText(self.cleaned_data["title"], self.cleaned_data["figure"], self.cleaned_data["line"])


@login_required
def new_card(request: HttpRequest) -> HttpResponse:
    initial = {}
    if "campaign" in request.GET and request.GET["campaign"].isdigit():
        initial["campaign"] = selectors.campaign_for_user(request.user, int(request.GET["campaign"]))
    form = CardForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["campaign"].queryset.exists():
        raise PermissionDenied("Only members of an organisation make its cards.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assets = card_making.make_cards(
                data["campaign"], request.user, data["language"], form.text(), data["shapes"]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("%(count)d cards added to the library.") % {"count": len(assets)})
            return redirect("library")
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/card_new.html", {"form": form}, status=status)
