"""The sandbox platform's addresses, mounted at /sandbox/."""

from django.urls import include, path

from publishing.sandbox import views
from publishing.sandbox.dialects import meta

app_name = "sandbox"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    # Mastodon's own API (publishing/sandbox/dialects/mastodon.py), before the generic dialect, which
    # still answers /sandbox/mastodon/posts and /faults.
    path("mastodon/api/v1/apps", views.register_app, {"platform": "mastodon"}),  # per-server app registration
    path("mastodon/", include("publishing.sandbox.dialects.mastodon")),
    # Left unnamed: a fake platform's API, not a planner page. Named patterns that take arguments
    # are what the organisation-scoping test walks (tests/campaigns/test_organisation_scoping.py).
    path("bluesky/xrpc/", include("publishing.sandbox.dialects.bluesky")),  # Bluesky's XRPC, before the generic
    path("x/", include("publishing.sandbox.dialects.x")),  # the X API v2 (/sandbox/x/2/…), before the generic
    path("youtube/", include("publishing.sandbox.dialects.youtube")),  # the YouTube Data API v3, before the generic
    path("linkedin/", include("publishing.sandbox.dialects.linkedin")),  # LinkedIn's REST API, before the generic
    path("instagram/", include(meta.urls("instagram"))),  # Meta's Graph API under a version prefix, before the generic
    path("threads/", include(meta.urls("threads"))),
    path("facebook/", include("publishing.sandbox.dialects.facebook")),
    path("<str:platform>/posts", views.posts),
    path("<str:platform>/posts/<str:remote_id>", views.post_detail),
    path("<str:platform>/posts/<str:remote_id>/metrics", views.post_metrics),
    path("<str:platform>/media", views.media),
    path("<str:platform>/oauth/authorize", views.authorize),
    path("<str:platform>/oauth/token", views.oauth_token),
    path("<str:platform>/faults", views.faults),
]
