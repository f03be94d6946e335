"""The campaign report's exports: publications and tables as CSV, the report as PDF; thin, the rows come from
analytics/exports.py and the PDF from analytics/pdf.py."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from analytics import charts, exports, reports
from analytics.pdf import PdfUnavailable, render_pdf
from campaigns.models import Campaign

CSV_TYPE = "text/csv; charset=utf-8"
Response = TypeVar("Response", HttpResponse, StreamingHttpResponse)


@login_required
def publications_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    response = StreamingHttpResponse(exports.csv_lines(exports.publication_rows(campaign)), content_type=CSV_TYPE)
    return _attachment(response, campaign, "publications", "csv")


@login_required
def tables_csv(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    report = reports.campaign_report(campaign, request.user, with_charts=False)
    response = HttpResponse("".join(exports.csv_lines(exports.table_rows(report))), content_type=CSV_TYPE)
    return _attachment(response, campaign, "report-tables", "csv")


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = reports.campaign_for(request.user, pk)
    context = reports.campaign_report(campaign, request.user)
    context["generated_at"] = timezone.localtime(timezone=campaign.organisation.zone)
    context["chart_css"] = mark_safe(charts.stylesheet())  # noqa: S308 (pygal's own CSS, no input in it)
    context["citations"] = exports.cited_items(campaign)
    html = render_to_string("analytics/campaign_report_print.html", context, request=request)
    try:
        pdf = render_pdf(html, f"the report of campaign {campaign.pk}")
    except PdfUnavailable as error:
        return HttpResponse(
            f"The PDF cannot be made on this server: {error}. The CSV exports still work.",
            status=503, content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), campaign, "report", "pdf")


def _attachment(response: Response, campaign: Campaign, what: str, extension: str) -> Response:
    # An Arabic campaign name slugifies to nothing: the id keeps the file name meaningful.
    name = slugify(campaign.name) or f"campaign-{campaign.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-{what}.{extension}"'
    return response
