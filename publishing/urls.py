from django.urls import path

from publishing import (
    account_views,
    cadence_views,
    calendar_views,
    freeze_views,
    log_views,
    media_urls,
    recurrence_views,
    release_views,
    views,
)

urlpatterns = [
    path("health/", views.health, name="health"),
    path("status/", views.status, name="status"),
    # Left unnamed: the signed address is the permission, not an organisation's page (see
    # tests/campaigns/test_organisation_scoping.py, which walks the named patterns with arguments).
    path(f"{media_urls.PATH}<str:token>", views.public_media),
    path("freezes/", freeze_views.freeze_list, name="freezes"),
    path("publications/", log_views.publication_log, name="publication_log"),
    path("publications/<int:pk>/decide/", log_views.publication_decide, name="publication_decide"),
    path("freezes/<int:pk>/lift/", freeze_views.freeze_lift, name="freeze_lift"),
    path("accounts/connected/", account_views.account_list, name="accounts"),
    path("accounts/connected/mastodon/", account_views.connect_mastodon, name="account_connect_mastodon"),
    path("accounts/connected/bluesky/", account_views.connect_bluesky, name="account_connect_bluesky"),
    path("accounts/connected/oauth/", account_views.connect_oauth, name="account_connect_oauth"),
    # The one redirect URL to register with every platform's app: the session says which flow comes back.
    path("accounts/connected/callback/", account_views.oauth_callback, name="account_callback"),
    path("accounts/connected/<int:pk>/disconnect/", account_views.disconnect, name="account_disconnect"),
    path("campaigns/<int:campaign_pk>/cadences/new/", cadence_views.cadence_new, name="cadence_new"),
    path("cadences/<int:pk>/", cadence_views.cadence_preview, name="cadence_preview"),
    path("cadences/<int:pk>/apply/", cadence_views.cadence_apply, name="cadence_apply"),
    path("accounts/connected/<int:pk>/quiet-hours/", account_views.account_quiet_hours, name="account_quiet_hours"),
    path("releases/<int:pk>/", release_views.release_detail, name="release_detail"),
    path("releases/<int:pk>/move/", release_views.release_move, name="release_move"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/data.json", calendar_views.calendar_data, name="calendar_data"),
    path("calendar/export.csv", calendar_views.calendar_export, name="calendar_export"),
    path("calendar/publications/<int:pk>/move/", calendar_views.move_publication, name="calendar_move"),
    path("items/<int:pk>/repeat/", recurrence_views.item_repeat, name="item_repeat"),
    path("items/<int:pk>/repeat/again/", recurrence_views.item_repeat_again, name="item_repeat_again"),
    path(
        "items/<int:pk>/publications/<int:publication_pk>/skip/",
        recurrence_views.publication_skip,
        name="publication_skip",
    ),
]
