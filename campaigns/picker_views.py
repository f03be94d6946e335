"""The editor's library picker: a variant's author searches the organisation's library and attaches by a click.

Opened in place on the editor (htmx) or as a page of its own without JavaScript; either way each tile is a small
form posting to `variant_media`, which attaches it through `editing.attach_media` like any other attachment.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from campaigns import library_selectors, selectors
from campaigns.library_forms import PickerSearchForm


@login_required
@require_GET
def media_picker(request: HttpRequest, pk: int, variant_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    variant = get_object_or_404(item.variants.select_related("item__campaign__organisation"), pk=variant_pk)
    search = PickerSearchForm(request.GET)
    criteria = search.cleaned_data if search.is_valid() else {}
    context = library_selectors.picker_page(variant, criteria, request.GET.get("page")) | {
        "item": item, "variant": variant, "search": search, "can_edit": selectors.can_edit(item, request.user),
    }  # fmt: skip
    if request.htmx:
        return render(request, "campaigns/_media_picker.html", context)
    return render(request, "campaigns/media_picker.html", context)
