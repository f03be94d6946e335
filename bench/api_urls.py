"""The project's URLs, plus the API benchmark's baselines under /bench/."""

from django.urls import path

from bench import api_baseline
from planner.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/baseline/items/", api_baseline.items),
    path("bench/baseline/publications/", api_baseline.publications),
]
