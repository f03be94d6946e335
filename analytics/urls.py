from django.urls import path

from analytics import annual_views, export_views, report_views

urlpatterns = [
    path("campaigns/<int:pk>/report/", report_views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/report/publications.csv", export_views.publications_csv, name="report_publications_csv"),
    path("campaigns/<int:pk>/report/tables.csv", export_views.tables_csv, name="report_tables_csv"),
    path("campaigns/<int:pk>/report.pdf", export_views.report_pdf, name="report_pdf"),
    path("campaigns/<int:pk>/targets/", report_views.target_add, name="target_add"),
    path("campaigns/<int:pk>/targets/<int:target_pk>/outcome/", report_views.target_outcome, name="target_outcome"),
    path("campaigns/<int:pk>/targets/<int:target_pk>/remove/", report_views.target_remove, name="target_remove"),
    path("organisations/<slug:slug>/annual/<int:year>/", annual_views.annual_summary, name="annual_summary"),
]
