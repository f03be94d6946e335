from django.urls import path

from analytics import annual_views, report_views

urlpatterns = [
    path("campaigns/<int:pk>/report/", report_views.campaign_report, name="campaign_report"),
    path("organisations/<slug:slug>/annual/<int:year>/", annual_views.annual_summary, name="annual_summary"),
]
