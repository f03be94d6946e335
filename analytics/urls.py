from django.urls import path

from analytics import report_views

urlpatterns = [
    path("campaigns/<int:pk>/report/", report_views.campaign_report, name="campaign_report"),
]
