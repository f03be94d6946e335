from django.urls import path

from campaigns import (
    card_views,
    item_views,
    library_views,
    myth_views,
    observance_views,
    partner_views,
    picker_views,
    plan_import_views,
    review_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_pk>/items/new/", item_views.new_item, name="item_new"),
    path("items/<int:pk>/", item_views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", item_views.item_edit, name="item_edit"),
    path("items/<int:pk>/variants/", item_views.variant_add, name="variant_add"),
    path("items/<int:pk>/variants/<int:variant_pk>/", item_views.variant_save, name="variant_save"),
    path("items/<int:pk>/variants/<int:variant_pk>/media/", item_views.variant_media, name="variant_media"),
    path("items/<int:pk>/variants/<int:variant_pk>/media/pick/", picker_views.media_picker, name="media_picker"),
    path("items/<int:pk>/variants/<int:variant_pk>/check/", item_views.variant_check, name="variant_check"),
    path("items/<int:pk>/move/<slug:action>/", item_views.item_move, name="item_move"),
    path("items/<int:pk>/comments/", item_views.item_comment, name="item_comment"),
    path("items/<int:pk>/comments/<int:comment_pk>/edit/", item_views.item_comment_edit, name="item_comment_edit"),
    path(
        "items/<int:pk>/comments/<int:comment_pk>/delete/", item_views.item_comment_delete, name="item_comment_delete"
    ),
    path("items/<int:pk>/schedule/", item_views.item_schedule, name="item_schedule"),
    path(
        "items/<int:pk>/publications/<int:publication_pk>/move/", item_views.publication_move, name="publication_move"
    ),
    path("items/<int:pk>/partner-links/", partner_views.partner_link_create, name="partner_link_create"),
    path(
        "items/<int:pk>/partner-links/<int:link_pk>/revoke/",
        partner_views.partner_link_revoke,
        name="partner_link_revoke",
    ),
    # The partner's page: no account, the signed token is the key (campaigns/partner_review.py).
    path("partner/<int:pk>/<str:token>/", partner_views.partner_page, name="partner_review"),
    path("library/", library_views.library_grid, name="library"),
    path("library/upload/", library_views.library_upload, name="library_upload"),
    path("library/cards/new/", card_views.new_card, name="card_new"),
    path("library/<int:pk>/", library_views.asset_detail, name="asset_detail"),
    path("observances/", observance_views.observance_list, name="observances"),
    path("observances/<int:pk>/remove/", observance_views.observance_remove, name="observance_remove"),
    path("myths/", myth_views.myth_list, name="myth_list"),
    path("myths/new/", myth_views.myth_new, name="myth_new"),
    path("myths/<int:pk>/", myth_views.myth_detail, name="myth_detail"),
    path("myths/<int:pk>/edit/", myth_views.myth_edit, name="myth_edit"),
    path("myths/<int:pk>/respond/", myth_views.myth_respond, name="myth_respond"),
    path("plans/import/", plan_import_views.plan_imports, name="plan_imports"),
    path("plans/import/template.csv", plan_import_views.plan_template, name="plan_template"),
    path("plans/import/sample.csv", plan_import_views.plan_sample, name="plan_sample"),
    path("plans/import/<int:pk>/", plan_import_views.plan_import_detail, name="plan_import_detail"),
    path("plans/import/<int:pk>/status/", plan_import_views.plan_import_status, name="plan_import_status"),
    path("plans/import/<int:pk>/confirm/", plan_import_views.plan_import_confirm, name="plan_import_confirm"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("notifications/", review_views.notifications, name="notifications"),
    path("notifications/read/", review_views.notifications_read, name="notifications_read"),
]
