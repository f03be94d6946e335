"""The REST API under /api/: resources, the OpenAPI schema and its interactive docs."""

from __future__ import annotations

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.views.campaigns import CampaignViewSet
from api.views.comments import CommentViewSet
from api.views.freezes import FreezeViewSet
from api.views.items import ItemViewSet, VariantViewSet
from api.views.library import MediaViewSet
from api.views.notifications import NotificationViewSet
from api.views.organisations import MemberViewSet, OrganisationViewSet
from api.views.publishing import AccountViewSet, MetricViewSet, PublicationViewSet
from api.views.targets import TargetViewSet
from api.views.webhooks import WebhookViewSet

app_name = "api"

# Swagger UI and Redoc style themselves inline, draw icons from data: addresses and Redoc parses the schema in a
# blob: worker: their two pages only. Their scripts stay this site's files (the split view serves Swagger's
# start-up script from its own address; templates/drf_spectacular/redoc.html has no inline script).
docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]})

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("members", MemberViewSet, basename="member")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("items", ItemViewSet, basename="item")
router.register("variants", VariantViewSet, basename="variant")
router.register("media", MediaViewSet, basename="media")
router.register("accounts", AccountViewSet, basename="account")
router.register("publications", PublicationViewSet, basename="publication")
router.register("comments", CommentViewSet, basename="comment")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("metrics", MetricViewSet, basename="metric")
router.register("freezes", FreezeViewSet, basename="freeze")
router.register("targets", TargetViewSet, basename="target")
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", docs_csp(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("", include(router.urls)),
]
