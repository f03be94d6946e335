from django.urls import path

from publishing import views

urlpatterns = [
    path("health/", views.health, name="health"),
]
