"""The library pages: the grid with search and filters, uploads (one file per request from the
drop zone, several from the plain form), and an asset's detail page. Thin: forms, one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from campaigns import library, library_selectors
from campaigns.library_forms import AssetForm, LibraryFilterForm, UploadForm


@login_required
@require_GET
def library_grid(request: HttpRequest) -> HttpResponse:
    return _grid(request)


@login_required
@require_POST
def library_upload(request: HttpRequest) -> HttpResponse:
    organisations = list(library_selectors.organisations_of(request.user))
    form = UploadForm(request.POST, request.FILES, user=request.user, organisations=organisations)
    files = request.FILES.getlist("file")
    if not form.is_valid() or not files:
        if form.is_valid():
            form.add_error("file", "Choose at least one image or video.")
        return _upload_answer(request, form, [], status=400)
    results = []
    for upload in files:
        try:
            asset = library.upload_to_library(
                form.cleaned_data["organisation"], request.user, upload, form.cleaned_data["title"]
            )
        except ValidationError as refusal:
            results.append((upload.name, None, refusal.messages))
        else:
            results.append((upload.name, asset, []))
    refused = any(errors for _name, _asset, errors in results)
    if not refused and not request.htmx:
        messages.success(
            request,
            ngettext("%(n)s file added to the library.", "%(n)s files added to the library.", len(results))
            % {"n": len(results)},
        )
        return redirect("library")
    return _upload_answer(request, form, results, status=400 if refused else 201)


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = library_selectors.asset_for_user(request.user, pk)
    can_edit = library.can_change_library(request.user, asset.organisation)
    form = AssetForm(request.POST or None, asset=asset)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Contributors, editors, managers and admins describe the library's assets.")
        if form.is_valid():
            try:
                library.edit_asset(asset, request.user, form.changes())
            except ValidationError as refusal:
                _add_model_errors(form, refusal)
            else:
                messages.success(request, _("Saved."))
                return redirect("asset_detail", asset.pk)
    context = {
        "asset": asset, "form": form, "can_edit": can_edit, "image_alt": library_selectors.alt_to_show(asset, request.LANGUAGE_CODE),
        "renditions": asset.renditions.all(), "usage": library_selectors.usage_of(asset),
        "history": library_selectors.history_of(asset),
    }  # fmt: skip
    status = 400 if form.errors else 200
    return render(request, "campaigns/asset_detail.html", context, status=status)


def _grid(
    request: HttpRequest, upload_form: UploadForm | None = None, results: list | None = None, status: int = 200
) -> HttpResponse:
    organisations = list(library_selectors.organisations_of(request.user))
    filters = LibraryFilterForm(request.GET, organisations=organisations)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    context = library_selectors.library_page(request.user, criteria, request.GET.get("page"))
    if request.htmx and request.htmx.target == "library-results":
        return render(request, "campaigns/_library_results.html", context | {"filters": filters})
    upload_form = upload_form or UploadForm(user=request.user, organisations=organisations)
    context |= {
        "filters": filters, "upload_form": upload_form, "results": results or [],
        "can_upload": bool(upload_form.fields["organisation"].queryset.exists()),
    }  # fmt: skip
    return render(request, "campaigns/library.html", context, status=status)


def _upload_answer(request: HttpRequest, form: UploadForm, results: list, status: int) -> HttpResponse:
    """The drop zone gets each file's tile or refusal as a fragment; the plain form gets the page."""
    if not request.htmx:
        return _grid(request, upload_form=form, results=results, status=status)
    context = {"form": form, "results": results, "total": library_selectors.assets_for_user(request.user).count()}
    for _name, asset, _errors in results:
        if asset is not None:
            asset.thumbnail_url, asset.is_used = library_selectors.thumbnail_url(asset), False
    return HttpResponse(render_to_string("campaigns/_upload_results.html", context, request), status=status)


def _add_model_errors(form: AssetForm, refusal: ValidationError) -> None:
    """Put the model's refusals on the form's fields (alt text on the first language's field)."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal)
        return
    for field, errors in refusal.error_dict.items():
        target = field if field in form.fields else None
        if field == "alt_text" and form.languages:
            target = f"alt_{form.languages[0]}"
        form.add_error(target, errors)
