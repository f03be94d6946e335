from django.urls import path

from analytics import report_views

urlpatterns = [
    path("campaigns/<int:pk>/report/", report_views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/targets/", report_views.target_add, name="target_add"),
    path("campaigns/<int:pk>/targets/<int:target_pk>/outcome/", report_views.target_outcome, name="target_outcome"),
    path("campaigns/<int:pk>/targets/<int:target_pk>/remove/", report_views.target_remove, name="target_remove"),
]
