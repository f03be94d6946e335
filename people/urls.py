from django.urls import path

from people import views

urlpatterns = [path("preferences/", views.preferences, name="preferences")]
