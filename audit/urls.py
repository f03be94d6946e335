from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.event_list, name="audit"),
    path("audit/export.csv", views.event_export, name="audit_export"),
]
