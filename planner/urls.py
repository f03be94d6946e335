from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from planner import views

admin.site.site_header = "Campaign planner — setup"
admin.site.site_title = "Campaign planner"
admin.site.index_title = "Organisations, members, campaigns and accounts"

urlpatterns = [
    path("ready/", views.ready, name="ready"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("security.urls")),
    path("admin/", admin.site.urls),
    # The scripts' strings in the reader's language (gettext() and interpolate() in static/*.js).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("api.urls")),
    path("sandbox/", include("publishing.sandbox.urls")),
    path("", include("publishing.urls")),
    path("", include("campaigns.urls")),
    path("", include("analytics.urls")),
    path("", include("audit.urls")),
    path("", include("people.urls")),
]

handler404 = "api.errors.not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
