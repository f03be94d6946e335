"""Forms of the myth register's pages (validation only; campaigns/myths.py saves)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.editor_forms import SourceFormSet
from campaigns.languages import is_rtl, language_name
from campaigns.models import Campaign, Myth, Organisation
from campaigns.models.myths import CLAIM_MAX_CHARS
from publishing.platforms import Platform


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Myth.Status.choices])
    q = forms.CharField(label=_("Claim"), required=False, max_length=200)


class MythForm(forms.Form):
    """A myth's claim, dates and status, and one debunk field per language of its organisation."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    claim = forms.CharField(
        label=_("Claim"), max_length=CLAIM_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("The false claim, as people repeat it."),
    )  # fmt: skip
    first_seen = forms.DateField(label=_("First seen"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=Myth.Status.choices, initial=Myth.Status.CIRCULATING)

    def __init__(self, *args: Any, organisations: list[Organisation], myth: Myth | None = None, **kwargs: Any) -> None:
        if myth is not None:
            initial = {"organisation": myth.organisation_id, "claim": myth.claim, "first_seen": myth.first_seen,
                       "status": myth.status} | {f"debunk_{d.language}": d.text for d in myth.debunks.all()}  # fmt: skip
            kwargs["initial"] = initial | kwargs.get("initial", {})
            organisations = [myth.organisation]
        super().__init__(*args, **kwargs)
        self.myth = myth
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            # One organisation: nothing to choose, whatever the form sent.
            self.fields["organisation"].required = False
            self.fields["organisation"].initial = self.only_organisation.pk
            self.fields["organisation"].widget = forms.HiddenInput()
        # The languages of every organisation offered; the service refuses a language its organisation does not use.
        self.languages = list(dict.fromkeys(code for o in organisations for code in o.languages))
        for code in self.languages:
            attrs = {"lang": code, "dir": "rtl" if is_rtl(code) else "ltr", "rows": 4}
            self.fields[f"debunk_{code}"] = forms.CharField(
                label=_("Debunk in %(language)s") % {"language": language_name(code)}, required=False,
                widget=forms.Textarea(attrs=attrs),
                help_text=_("What we answer, ready to post; leave empty where there is none yet."),
            )  # fmt: skip

    def clean_organisation(self) -> Organisation | None:
        return self.only_organisation or self.cleaned_data["organisation"]

    def debunk_fields(self) -> list[forms.BoundField]:
        return [self[f"debunk_{code}"] for code in self.languages]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any((data.get(f"debunk_{code}") or "").strip() for code in self.languages) and self.languages:
            self.add_error(f"debunk_{self.languages[0]}", _("Write the debunk in at least one language."))
        return data

    def fields_changed(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("claim", "first_seen", "status")}

    def debunks(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"debunk_{code}"] for code in self.languages}


def source_formset(data: Any = None, myth: Myth | None = None) -> Any:
    """The myth's sources as rows of the item editor's source form."""
    rows = [{"url": s.url, "title": s.title} for s in myth.sources.order_by("pk")] if myth else []
    return SourceFormSet(data, prefix="sources", initial=rows)


def source_rows(formset: Any) -> list[tuple[str, str]]:
    return [(f["url"], f.get("title", "")) for f in formset.cleaned_data if f and not f.get("DELETE")]


class RespondForm(forms.Form):
    """Which campaign answers the myth, on which platforms."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    platforms = forms.MultipleChoiceField(
        label=_("Platforms"), choices=Platform.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one platform.")},
    )  # fmt: skip
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, help_text=_("Leave empty for “Myth: ” and the claim.")
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
