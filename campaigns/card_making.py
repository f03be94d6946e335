"""Making health cards: the rules a card's fields follow, and drawing it into the campaign's library.

The card page (campaigns/card_views.py) and the API (`POST /api/campaigns/{id}/cards/`) both call `make_cards`;
a refusal is a `ValidationError` per field, with a code naming the rule.
"""

from __future__ import annotations

from io import BytesIO

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from campaigns.cards import SHAPES, CardText, CardTooLong, draw_card
from campaigns.infographics import can_draw
from campaigns.languages import language_name
from campaigns.media import add_to_library
from campaigns.models import Campaign, MediaAsset, Organisation
from campaigns.scoping import role_in

CARD_TAG = "card"
TITLE_MAX_CHARS = 90
FIGURE_MAX_CHARS = 12
LINE_MAX_CHARS = 180
TEXT_LIMITS = {"title": TITLE_MAX_CHARS, "figure": FIGURE_MAX_CHARS, "line": LINE_MAX_CHARS}


def can_make_cards(user: AbstractBaseUser, organisation: Organisation) -> bool:
    """Every member role, contributors included, may make cards for its organisation's campaigns."""
    return role_in(user, organisation) is not None


def check_can_make_cards(user: AbstractBaseUser, organisation: Organisation) -> None:
    if not can_make_cards(user, organisation):
        raise PermissionDenied("Only members of an organisation make its cards.")


def language_problem(campaign: Campaign, language: str) -> ValidationError | None:
    """Why a card of `campaign` cannot be in `language`, or None when it can."""
    allowed = campaign.languages or campaign.organisation.languages
    if language not in allowed:
        message = _("%(campaign)s is not written in %(language)s.")
        params = {"campaign": campaign.name, "language": language_name(language)}
        return ValidationError(message % params, code="not_a_campaign_language")
    if not can_draw(language):
        return ValidationError(
            _("This server cannot shape %(language)s text.") % {"language": language}, code="cannot_shape"
        )
    return None


def check_card(campaign: Campaign, language: str, text: CardText, shapes: list[str]) -> None:
    """Every rule of a card's fields; a `ValidationError` per field (its code names the rule) if one is broken."""
    errors: dict[str, list[ValidationError]] = {}
    for field, limit in TEXT_LIMITS.items():
        value = getattr(text, field).strip()
        if not value:
            errors[field] = [ValidationError(forms.Field.default_error_messages["required"], code="required")]
            continue
        try:
            MaxLengthValidator(limit)(value)
        except ValidationError as too_long:
            errors[field] = too_long.error_list
    if not shapes:
        errors["shapes"] = [ValidationError(_("Choose at least one shape."), code="required")]
    elif unknown := [shape for shape in shapes if shape not in SHAPES]:
        message = _("%(shape)s is not a card shape; choose among %(shapes)s.")
        params = {"shape": unknown[0], "shapes": ", ".join(SHAPES)}
        errors["shapes"] = [ValidationError(message % params, code="invalid_choice")]
    if (problem := language_problem(campaign, language)) is not None:
        errors["language"] = [problem]
    if errors:
        raise ValidationError(errors)


def make_cards(
    campaign: Campaign, maker: AbstractBaseUser, language: str, text: CardText, shapes: list[str]
) -> list[MediaAsset]:
    """Check the card, draw it in each shape and add every one to the campaign's library, all or none."""
    organisation = campaign.organisation
    check_can_make_cards(maker, organisation)
    shapes = list(dict.fromkeys(shapes))  # a shape asked twice is one card
    check_card(campaign, language, text, shapes)
    logo = logo_of(campaign)
    try:
        drawn = [
            (shape, draw_card(text, campaign.colour, organisation.name, shape, language=language, logo=logo))
            for shape in shapes
        ]
    except CardTooLong as too_long:
        raise ValidationError({too_long.field: ValidationError(str(too_long), code="too_long_for_card")}) from None
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
            if asset.image_text.get(language) != text.alt_text():
                # What the card says, kept so that the checks can tell when its alt text is later cut short.
                asset.image_text = asset.image_text | {language: text.alt_text()}
                asset.save(update_fields=["image_text"])
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
