"""The planner's URLs plus its uploaded files, for browser tests (the live server runs without DEBUG)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.static import serve

from planner.urls import urlpatterns as planner_urlpatterns


def media(request: HttpRequest, path: str) -> HttpResponse:
    # Read at each request: every test has its own MEDIA_ROOT.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *planner_urlpatterns]
