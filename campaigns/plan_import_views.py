"""The plan import pages: upload (with the template and a sample to download), an import's progress, problems and
outcome, its status as JSON for the progress bar, and the confirmation. Thin: selectors, one service, render."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from analytics.exports import csv_lines
from campaigns import plan_columns, plan_export, plan_import, plan_selectors
from campaigns.models import PlanImport
from campaigns.workflow import WorkflowError

CSV_TYPE = "text/csv; charset=utf-8"
SAMPLE_PLAN = Path(__file__).parent / "demo_plan.csv"


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Plan (CSV)"),
        help_text=gettext_lazy("UTF-8 (“CSV UTF-8” in spreadsheets), comma or semicolon separated, at most %(mb)s MB.")
        % {"mb": round(plan_import.MAX_BYTES / 2**20)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@login_required
def plan_imports(request: HttpRequest) -> HttpResponse:
    organisation = plan_selectors.chosen_organisation(request.user, request.GET.get("org", ""))
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = plan_import.upload_plan(organisation, request.user, form.cleaned_data["file"])
            except plan_import.PlanFileError as refusal:
                form.add_error("file", refusal)
            except WorkflowError as refusal:
                raise PermissionDenied(refusal.message) from refusal
            else:
                return redirect("plan_import_detail", plan.pk)
    context = {
        "organisation": organisation, "organisations": plan_selectors.organisations_for_import(request.user),
        "form": form, "imports": plan_selectors.recent_imports(organisation), "columns": plan_columns.COLUMNS,
        "read_only": plan_columns.READ_ONLY,
    }  # fmt: skip
    return render(request, "campaigns/plan_imports.html", context, status=status)


@login_required
@require_GET
def plan_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _detail(request, plan)


@login_required
@require_GET
def plan_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(plan_selectors.status_of(_plan(request, pk)))


@login_required
@require_POST
def plan_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        plan_import.confirm(plan, request.user)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
        plan.refresh_from_db()
        return _detail(request, plan, status=refusal.status)
    messages.success(request, _("Importing the valid rows as drafts."))
    return redirect("plan_import_detail", plan.pk)


@login_required
@require_GET
def plan_template(request: HttpRequest) -> StreamingHttpResponse:
    organisation = plan_selectors.chosen_organisation(request.user, request.GET.get("org", ""))
    response = StreamingHttpResponse(csv_lines(plan_export.template_rows(organisation)), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="plan-template.csv"'
    return response


@login_required
@require_GET
def plan_sample(request: HttpRequest) -> FileResponse:
    plan_selectors.chosen_organisation(request.user, "")  # importers only
    return FileResponse(SAMPLE_PLAN.open("rb"), as_attachment=True, filename="sample-plan.csv", content_type=CSV_TYPE)


def _plan(request: HttpRequest, pk: int) -> PlanImport:
    plan = plan_selectors.plan_for_user(request.user, pk)
    if not plan_import.can_import(request.user, plan.organisation):
        raise PermissionDenied("Only editors, managers and admins import content plans.")
    return plan


def _detail(request: HttpRequest, plan: PlanImport, status: int = 200) -> HttpResponse:
    context = {
        "plan": plan, "status": plan_selectors.status_of(plan),
        "problems": plan_selectors.problems_page(plan, request.GET.get("page")),
    }  # fmt: skip
    return render(request, "campaigns/plan_import_detail.html", context, status=status)
