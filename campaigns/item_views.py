"""The item pages: draft, edit (with live checks), look, comment, and move through review. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import checks, comments, editing, selectors, workflow
from campaigns.editor_forms import (
    AddVariantForm,
    AltTextForm,
    AttachMediaForm,
    CommentForm,
    DecisionForm,
    ItemForm,
    NewItemForm,
    SourceFormSet,
    UploadMediaForm,
    VariantForm,
)
from campaigns.models import MediaAsset, Variant
from campaigns.workflow import WorkflowError
from publishing import releases, scheduling
from publishing.calendar_forms import MoveForm
from publishing.models import Publication
from publishing.platform_rules import rules_for


@login_required
def new_item(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = selectors.campaign_for_user(request.user, campaign_pk)
    form = NewItemForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            item = editing.create_item(campaign, request.user, form.changes(), form.variants())
        except WorkflowError as refusal:
            return _refused(request, refusal, "campaigns/item_new.html", {"form": form, "campaign": campaign})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft created. Write each variant, then submit it for review."))
            return redirect("item_edit", item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/item_new.html", {"form": form, "campaign": campaign}, status=status)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    return render(request, "campaigns/item_detail.html", selectors.item_page(item, request.user))


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = ItemForm(request.POST or None, instance=item, initial={"version": item.version})
    sources = SourceFormSet(request.POST or None, prefix="sources", initial=selectors.source_rows(item))
    if request.method == "POST":
        if form.is_valid() and sources.is_valid():
            rows = [(f["url"], f.get("title", "")) for f in sources.cleaned_data if f and not f.get("DELETE")]
            try:
                version = form.cleaned_data["version"] or item.version
                item = editing.edit_item(item, request.user, version, form.changes())
                editing.replace_sources(item, request.user, item.version, rows)
            except WorkflowError as refusal:
                return _refused(
                    request,
                    refusal,
                    "campaigns/item_edit.html",
                    selectors.editor_page(item, request.user, form, sources),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("item_edit", pk)
        context = selectors.editor_page(item, request.user, form, sources)
        return render(request, "campaigns/item_edit.html", context, status=400)
    return render(request, "campaigns/item_edit.html", selectors.editor_page(item, request.user, form, sources))


@login_required
@require_POST
def variant_save(request: HttpRequest, pk: int, variant_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    variant = get_object_or_404(item.variants, pk=variant_pk)
    form = VariantForm(request.POST, instance=variant)
    if form.is_valid():
        try:
            editing.edit_variant(variant, request.user, form.cleaned_data["version"], form.changes())
        except WorkflowError as refusal:
            context = selectors.editor_page(item, request.user, variant_forms={variant.pk: form})
            return _refused(request, refusal, "campaigns/item_edit.html", context | {"active": variant.pk})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(platform)s · %(language)s saved.")
                % {"platform": variant.get_platform_display(), "language": variant.language},
            )
            return _to_variant(variant)
    context = selectors.editor_page(item, request.user, variant_forms={variant.pk: form})
    return render(request, "campaigns/item_edit.html", context | {"active": variant.pk}, status=400)


@login_required
@require_POST
def variant_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = AddVariantForm(request.POST, item=item)
    if form.is_valid():
        try:
            variant = editing.add_variant(item, request.user, int(request.POST.get("version", 0)), **form.cleaned_data)
        except WorkflowError as refusal:
            return _refused(request, refusal, "campaigns/item_edit.html", selectors.editor_page(item, request.user))
        return _to_variant(variant)
    context = selectors.editor_page(item, request.user, add_form=form)
    return render(request, "campaigns/item_edit.html", context | {"active": "new"}, status=400)


@login_required
@require_POST
def variant_media(request: HttpRequest, pk: int, variant_pk: int) -> HttpResponse:
    """Attach from the library, upload, set alt text, or remove: one form per action, one service each."""
    item = selectors.item_for_user(request.user, pk)
    variant = get_object_or_404(item.variants, pk=variant_pk)
    version = int(request.POST.get("version") or 0)
    organisation = item.campaign.organisation
    library = MediaAsset.objects.for_organisation(organisation)
    form: forms.Form | None = None
    try:
        if "detach" in request.POST:
            editing.detach_media(variant, request.user, version, get_object_or_404(library, pk=request.POST["detach"]))
        elif "file" in request.FILES:
            form = UploadMediaForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                editing.upload_and_attach(variant, request.user, version, data["file"], data["title"], data["alt_text"])
        elif "alt_text" in request.POST:
            form = AltTextForm(request.POST)
            if form.is_valid():
                asset = get_object_or_404(library, pk=form.cleaned_data["asset"])
                editing.set_alt_text(variant, request.user, version, asset, form.cleaned_data["alt_text"])
        else:
            form = AttachMediaForm(request.POST, organisation=organisation)
            if form.is_valid():
                editing.attach_media(variant, request.user, version, form.cleaned_data["asset"])
    except WorkflowError as refusal:
        return _refused(request, refusal, "campaigns/item_edit.html", selectors.editor_page(item, request.user))
    except ValidationError as error:
        form = form or UploadMediaForm()
        form.add_error(None, error)
    if form is not None and form.errors:
        context = selectors.editor_page(item, request.user, media_forms={variant.pk: form})
        return render(request, "campaigns/item_edit.html", context | {"active": variant.pk}, status=400)
    return _to_variant(variant)


@login_required
@require_POST
def variant_check(request: HttpRequest, pk: int, variant_pk: int) -> HttpResponse:
    """Live counter, checks and preview of a variant's text as it is typed (htmx)."""
    item = selectors.item_for_user(request.user, pk)
    variant = get_object_or_404(item.variants.prefetch_related("attachments__asset"), pk=variant_pk)
    variant.text = request.POST.get("text", "")[:100_000]
    variant.link = request.POST.get("link", "")[:500]
    assets = [attachment.asset for attachment in variant.attachments.all()]
    problems = checks.check_text(variant.platform, variant.text, [a.kind for a in assets], variant.language)
    rules = rules_for(variant.platform)
    context = {
        "variant": variant,
        "problems": problems,
        "assets": assets,
        "count": rules.count(variant.text),
        "limit": rules.text_limit,
    }
    return render(request, "campaigns/_variant_feedback.html", context)


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if action == "schedule":
        # Scheduling names the accounts and the time: it has its own form.
        return redirect(reverse("item_detail", args=[item.pk]) + "#schedule")
    try:
        item = workflow.perform(item, action, request.user, comment)
    except WorkflowError as refusal:
        return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))
    messages.success(
        request,
        _("Done: %(move)s — now %(state)s.")
        % {"move": workflow.TRANSITIONS[action].label.lower(), "state": item.get_state_display().lower()},
    )
    return redirect("item_detail", item.pk)


@login_required
def item_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = selectors.schedule_form(item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            when, release, new_release = (
                form.instant(),
                form.cleaned_data["release"],
                form.cleaned_data["new_release_name"],
            )
            warnings = [
                w for variant, account in form.chosen() for w in scheduling.duplicate_warnings(variant, account, when)
            ] + scheduling.same_text_elsewhere_warnings(form.chosen(), when)
            if release is not None:
                releases.schedule_in_release(item, request.user, form.chosen(), release)
            elif new_release:
                note = form.cleaned_data["new_release_note"]
                releases.schedule_in_new_release(item, request.user, form.chosen(), when, new_release, note)
            else:
                scheduling.schedule(item, request.user, form.chosen(), when)
        except WorkflowError as refusal:
            return _refused(
                request,
                refusal,
                "campaigns/item_detail.html",
                selectors.item_page(item, request.user, schedule_form=form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Scheduled. It goes out at the planned time unless someone pauses it."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("item_detail", item.pk)
    context = selectors.item_page(item, request.user, schedule_form=form)
    return render(request, "campaigns/item_detail.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def publication_move(request: HttpRequest, pk: int, publication_pk: int) -> HttpResponse:
    """Reschedule one publication from the item page (the keyboard's way to do what dragging does)."""
    item = selectors.item_for_user(request.user, pk)
    publication = get_object_or_404(Publication.objects.filter(variant__item=item), pk=publication_pk)
    form = MoveForm(request.POST, zone=timezone.get_current_timezone())  # the zone the page shows times in
    if not form.is_valid():
        refusal = WorkflowError(form.refusal()["error"], code="invalid", status=400)
        return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))
    try:
        scheduling.reschedule(publication, request.user, form.cleaned_data["when"])
    except WorkflowError as refusal:
        return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))
    messages.success(request, _("Moved."))
    return redirect(reverse("item_detail", args=[item.pk]) + "#publications")


@login_required
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comments.add_comment(item, request.user, form.cleaned_data["body"])
        except WorkflowError as refusal:
            return _refused(
                request,
                refusal,
                "campaigns/item_detail.html",
                selectors.item_page(item, request.user, comment_form=form),
            )
        return redirect(reverse("item_detail", args=[item.pk]) + "#comments")
    context = selectors.item_page(item, request.user, comment_form=form)
    return render(request, "campaigns/item_detail.html", context, status=400)


@login_required
@require_POST
def item_comment_edit(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    comment = get_object_or_404(item.comments, pk=comment_pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comments.edit_comment(comment, request.user, form.cleaned_data["body"])
        except WorkflowError as refusal:
            return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))
        return redirect(reverse("item_detail", args=[item.pk]) + f"#comment-{comment.pk}")
    refusal = WorkflowError(" ".join(form.errors["body"]), code="invalid", status=400)
    return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))


@login_required
@require_POST
def item_comment_delete(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    item = selectors.item_for_user(request.user, pk)
    comment = get_object_or_404(item.comments, pk=comment_pk)
    try:
        comments.delete_comment(comment, request.user)
    except WorkflowError as refusal:
        return _refused(request, refusal, "campaigns/item_detail.html", selectors.item_page(item, request.user))
    messages.success(request, "Comment removed.")
    return redirect(reverse("item_detail", args=[item.pk]) + "#comments")


def _to_variant(variant: Variant) -> HttpResponse:
    return redirect(reverse("item_edit", args=[variant.item_id]) + f"#variant-{variant.pk}")


def _refused(request: HttpRequest, refusal: WorkflowError, template: str, context: dict) -> HttpResponse:
    """Show the page again with the refusal explained, answering with its 4xx status."""
    return render(request, template, context | {"refusal": refusal}, status=refusal.status)
