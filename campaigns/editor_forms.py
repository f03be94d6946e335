"""Forms of the planner's editor and review pages (validation only; the services save)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.alt_text import validate_alt_text
from campaigns.languages import language_name
from campaigns.models import Campaign, ContentItem, MediaAsset, Organisation, Variant
from publishing import scheduling
from publishing.models import Release
from publishing.platforms import Platform


def reading_zone() -> dt.tzinfo:
    """The zone the person types times in: theirs, else their organisation's (people/middleware.py activates it)."""
    return timezone.get_current_timezone()


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in a time zone, returned as an aware UTC instant."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, zone: dt.tzinfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value, self.zone).strftime("%Y-%m-%dT%H:%M")
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(self.zone):
            # Django makes naive input aware in the current zone, refusing times skipped or doubled by DST.
            return super().to_python(value)


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ContentItem
        fields = ["title", "kind", "brief", "master_text", "is_health_advice", "is_crisis", "planned_at"]
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 2}),
            "master_text": forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = reading_zone()
        self.fields["planned_at"] = LocalDateTimeField(
            zone, required=False, label=_("Planned for"),
            help_text=_("In %(zone)s time. It must be approved by then.") % {"zone": zone.key},
        )  # fmt: skip

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewItemForm(ItemForm):
    platforms = forms.MultipleChoiceField(
        label=_("Platforms"), choices=Platform.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(label=_("Languages"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [(code, language_name(code)) for code in campaign.effective_languages]

    def variants(self) -> list[tuple[str, str]]:
        return [(p, lang) for p in self.cleaned_data["platforms"] for lang in self.cleaned_data["languages"]]


class SourceForm(forms.Form):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


SourceFormSet = forms.formset_factory(SourceForm, extra=1, can_delete=True)


class VariantForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Variant
        fields = ["text", "link", "first_comment"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "first_comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        direction = "rtl" if self.instance.pk and self.instance.is_rtl else "ltr"
        for name in ("text", "first_comment"):
            self.fields[name].widget.attrs["dir"] = direction
        self.fields["link"].assume_scheme = "https"

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AddVariantForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args: Any, item: ContentItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["language"].choices = [(c, language_name(c)) for c in item.campaign.effective_languages]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.item.variants.filter(platform=cleaned.get("platform"), language=cleaned.get("language")).exists():
            raise forms.ValidationError(_("This item already has a variant for this platform and language."))
        return cleaned


class AttachMediaForm(forms.Form):
    asset = forms.ModelChoiceField(label=_("From the library"), queryset=MediaAsset.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = MediaAsset.objects.for_organisation(organisation).order_by("-created_at")


class UploadMediaForm(forms.Form):
    # Not an ImageField: videos are uploaded here too, and media_intake decides what the file is.
    file = forms.FileField(label=_("Upload an image or a video"))
    title = forms.CharField(label=_("Title"), max_length=200)
    alt_text = forms.CharField(
        label=_("Alt text"), max_length=1000, required=False, validators=[validate_alt_text],
        help_text=_("What the image shows, for people who cannot see it, in the variant's language."),
    )  # fmt: skip


class AltTextForm(forms.Form):
    asset = forms.IntegerField(widget=forms.HiddenInput)
    alt_text = forms.CharField(label=_("Alt text"), max_length=1000, required=False, validators=[validate_alt_text])


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}), max_length=5000)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class ScheduleForm(forms.Form):
    """When, and on which accounts: a variant goes to the accounts of its platform; or together with others, in a
    coordinated release (an existing one, or a new one at that time)."""

    RELEASE_FIELDS = ("release", "new_release_name", "new_release_note")

    when = forms.DateTimeField(label=_("Publish at"))
    targets = forms.MultipleChoiceField(label=_("Variants and accounts"), widget=forms.CheckboxSelectMultiple)
    release = forms.ModelChoiceField(
        label=_("Release together with"), queryset=Release.objects.none(), required=False,
        empty_label=_("No: on its own"),
        help_text=_("Its publications then go out at the release's instant, with the others, whatever the time above."),
    )  # fmt: skip
    new_release_name = forms.CharField(
        label=_("Or in a new release, named"), max_length=200, required=False,
        help_text=_("e.g. Measles figures: everything in it goes out together at the time above."),
    )  # fmt: skip
    new_release_note = forms.CharField(
        label=_("Embargo note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What may not be said before the instant, and who agreed it."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, item: ContentItem, accounts: list[Any], releases: list[Release] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        zone = reading_zone()
        self.fields["when"] = LocalDateTimeField(
            zone, label=_("Publish at"), required=False, help_text=_("In %(zone)s time.") % {"zone": zone.key}
        )
        self.fields["release"].queryset = Release.objects.filter(pk__in=[release.pk for release in releases])
        self.fields["release"].label_from_instance = lambda release: (
            f"{release.name} · {timezone.localtime(release.instant, zone):%Y-%m-%d %H:%M}"
        )
        self.pairs = {
            f"{variant.pk}:{account.pk}": (variant, account)
            for variant in item.variants.order_by("platform", "language")
            for account in accounts
            if account.platform == variant.platform
        }
        self.fields["targets"].choices = [
            (key, f"{variant.get_platform_display()} · {variant.language.upper()} → {account.handle}")
            for key, (variant, account) in self.pairs.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "when" not in self.fields:  # a repeat (publishing/recurrence_forms.py): days and a time instead
            return data
        release, when = data.get("release"), data.get("when")
        data["new_release_name"] = (data.get("new_release_name") or "").strip()
        if release is not None and data["new_release_name"]:
            self.add_error("new_release_name", _("Choose an existing release or name a new one, not both."))
        if release is None and "when" not in self.errors:
            if when is None:
                self.add_error("when", _("Choose when it goes out."))
            elif scheduling.is_in_the_past(when):
                self.add_error("when", _("This time has passed; choose a time to come."))
        return data

    def chosen(self) -> list[tuple[Any, Any]]:
        return [self.pairs[key] for key in self.cleaned_data["targets"]]

    def instant(self) -> dt.datetime:
        """When the chosen publications go out: the release's instant if one was chosen, else the time typed."""
        release = self.cleaned_data.get("release")
        return release.instant if release is not None else self.cleaned_data["when"]
