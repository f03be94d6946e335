"""The page that makes a health card (title, one big figure, a line) in the shapes wanted and adds it to the library."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image

from campaigns import selectors
from campaigns.cards import SHAPES, CardText, CardTooLong, draw_card
from campaigns.infographics import can_draw
from campaigns.languages import CONTENT_LANGUAGES, language_name
from campaigns.media import add_to_library
from campaigns.models import Campaign, MediaAsset

CARD_TAG = "card"


class CardForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("Campaign"))
    language = forms.ChoiceField(choices=CONTENT_LANGUAGES, label=_("Language"))
    title = forms.CharField(max_length=90, label=_("Title"))
    figure = forms.CharField(
        max_length=12, label=_("Figure"), help_text=_("The one big number, as you want it read: 70%, ٧٠٪, 1 in 3.")
    )
    line = forms.CharField(
        max_length=180, label=_("Line"), help_text=_("One sentence that says what the figure means.")
    )
    shapes = forms.MultipleChoiceField(
        choices=[(s.key, f"{s.ratio} · {s.used_for}") for s in SHAPES.values()],
        initial=list(SHAPES), widget=forms.CheckboxSelectMultiple, label=_("Shapes"),
    )  # fmt: skip

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every member role, contributors included, may make cards for its organisation's campaigns.
        self.fields["campaign"].queryset = Campaign.objects.for_user(user).select_related("organisation")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        campaign, language = data.get("campaign"), data.get("language")
        if campaign and language:
            allowed = campaign.languages or campaign.organisation.languages
            if language not in allowed:
                self.add_error("language", _("%(campaign)s is not written in %(language)s.")
                               % {"campaign": campaign.name, "language": language_name(language)})  # fmt: skip
            elif not can_draw(language):
                self.add_error("language", _("This server cannot shape %(language)s text.") % {"language": language})
        return data

    def text(self) -> CardText:
        return CardText(self.cleaned_data["title"], self.cleaned_data["figure"], self.cleaned_data["line"])


def add_cards(campaign: Campaign, text: CardText, language: str, shapes: list[str], maker: AbstractBaseUser) -> list[MediaAsset]:  # fmt: skip
    """Draw the card in each shape and add every one to the campaign's library, all or none."""
    organisation = campaign.organisation
    logo = logo_of(campaign)
    drawn = [
        (shape, draw_card(text, campaign.colour, organisation.name, shape, language=language, logo=logo))
        for shape in shapes
    ]
    name = slugify(text.title)[:40] or "card"
    assets = []
    with transaction.atomic():
        for shape, png in drawn:
            upload = SimpleUploadedFile(f"card-{name}-{shape}-{language}.png", png, content_type="image/png")
            title = f"{text.title} ({SHAPES[shape].ratio}, {language})"
            asset = add_to_library(organisation, upload, title, {language: text.alt_text()}, maker)
            if asset.campaign_id is None:
                asset.campaign, asset.tags = campaign, sorted({*asset.tags, CARD_TAG})
                asset.save(update_fields=["campaign", "tags"])
            assets.append(asset)
    return assets


def logo_of(campaign: Campaign) -> Image.Image | None:
    """The campaign's logo, else its organisation's, opened (its stored file is already cleaned); None if neither."""
    asset = campaign.logo or campaign.organisation.logo
    if asset is None or not asset.file:
        return None
    with asset.file.open("rb") as file:
        image = Image.open(BytesIO(file.read()))
        image.draft(image.mode, (1024, 1024))  # a JPEG logo is decoded small: a foot needs far fewer pixels
        image.load()
    return image


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
            assets = add_cards(data["campaign"], form.text(), data["language"], data["shapes"], request.user)
        except CardTooLong as too_long:
            form.add_error(too_long.field, str(too_long))
        else:
            messages.success(request, _("%(count)d cards added to the library.") % {"count": len(assets)})
            return redirect("library")
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/card_new.html", {"form": form}, status=status)
