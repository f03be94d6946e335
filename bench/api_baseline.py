"""The API benchmark's baselines: the first page of /api/items/ and /api/publications/ built by PostgreSQL in one query.

Minimal Django views, not part of the app: no authentication, no serializer, no pagination class. The user
whose organisations are listed comes as `?user=<id>` and is scoped by the same membership subquery as
`for_user`; the rows, their order (`-id`), the page size and the fields are the API's (PostgreSQL writes
the timestamps as DRF does: ISO 8601 in UTC with a `Z`, microseconds only when there are some).
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 50  # REST_FRAMEWORK["PAGE_SIZE"]


def iso(column: str) -> str:
    """SQL writing a timestamptz as DRF's DateTimeField does (NULL stays NULL)."""
    return (
        f"(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"date_part('microseconds', {column})::bigint %% 1000000 = 0 THEN '' ELSE "
        f"to_char({column} AT TIME ZONE 'UTC', '.US') END || 'Z')"
    )


MEMBER_OF = "SELECT organisation_id FROM campaigns_membership WHERE user_id = %(user)s"

ITEMS_SQL = f"""
SELECT coalesce(json_agg(page.row ORDER BY page.id DESC), '[]')::text FROM (
    SELECT i.id, json_build_object(
        'id', i.id, 'campaign', i.campaign_id, 'kind', i.kind, 'title', i.title, 'brief', i.brief,
        'master_text', i.master_text, 'planned_at', {iso("i.planned_at")},
        'approval_expired_at', {iso("i.approval_expired_at")}, 'state', i.state, 'is_crisis', i.is_crisis,
        'is_health_advice', i.is_health_advice, 'author', u.username, 'version', i.version,
        'created_at', {iso("i.created_at")}, 'updated_at', {iso("i.updated_at")},
        'variants', (
            SELECT coalesce(json_agg(json_build_object(
                'id', v.id, 'item', v.item_id, 'platform', v.platform, 'language', v.language, 'text', v.text,
                'link', v.link, 'first_comment', v.first_comment,
                'media', (SELECT coalesce(json_agg(m.id ORDER BY m.created_at DESC), '[]')
                          FROM campaigns_variantmedia vm JOIN campaigns_mediaasset m ON m.id = vm.asset_id
                          WHERE vm.variant_id = v.id),
                'updated_at', {iso("v.updated_at")}
            ) ORDER BY v.platform, v.language), '[]')
            FROM campaigns_variant v WHERE v.item_id = i.id
        ),
        'sources', (
            SELECT coalesce(json_agg(json_build_object('url', s.url, 'title', s.title) ORDER BY s.id), '[]')
            FROM campaigns_source s WHERE s.item_id = i.id
        )
    ) AS row
    FROM campaigns_contentitem i
    JOIN campaigns_campaign c ON c.id = i.campaign_id
    LEFT JOIN auth_user u ON u.id = i.author_id
    WHERE c.organisation_id IN ({MEMBER_OF})
    ORDER BY i.id DESC LIMIT %(limit)s
) page
"""  # noqa: S608 -- built from this module's own SQL fragments; the user and the limit are parameters

PUBLICATIONS_SQL = f"""
SELECT coalesce(json_agg(page.row ORDER BY page.id DESC), '[]')::text FROM (
    SELECT p.id, json_build_object(
        'id', p.id, 'item', v.item_id, 'variant', p.variant_id, 'account', p.account_id, 'state', p.state,
        'scheduled_at', {iso("p.scheduled_at")}, 'latest_acceptable_at', {iso("p.latest_acceptable_at")},
        'published_at', {iso("p.published_at")}, 'attempts', p.attempts, 'next_attempt_at', {iso("p.next_attempt_at")},
        'remote_url', p.remote_url, 'last_error', p.last_error,
        'latest_metrics', CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object(
            'id', m.id, 'publication', m.publication_id, 'slot', m.slot, 'collected_at', {iso("m.collected_at")},
            'impressions', m.impressions, 'likes', m.likes, 'shares', m.shares, 'replies', m.replies,
            'clicks', m.clicks, 'video_views', m.video_views, 'watch_time_s', m.watch_time_s, 'is_latest', m.is_latest
        ) END,
        'created_at', {iso("p.created_at")}, 'updated_at', {iso("p.updated_at")}
    ) AS row
    FROM publishing_publication p
    JOIN publishing_socialaccount a ON a.id = p.account_id
    JOIN campaigns_variant v ON v.id = p.variant_id
    LEFT JOIN publishing_metric m ON m.publication_id = p.id AND m.is_latest
    WHERE a.organisation_id IN ({MEMBER_OF})
    ORDER BY p.id DESC LIMIT %(limit)s
) page
"""  # noqa: S608 -- built from this module's own SQL fragments; the user and the limit are parameters


def _page(sql: str, request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": int(request.GET["user"]), "limit": PAGE_SIZE})
        results = cursor.fetchone()[0]
    # The API's envelope around the rows; no cursor link (the baseline has no later page).
    return HttpResponse(f'{{"next":null,"previous":null,"results":{results}}}', content_type="application/json")


def items(request: HttpRequest) -> HttpResponse:
    return _page(ITEMS_SQL, request)


def publications(request: HttpRequest) -> HttpResponse:
    return _page(PUBLICATIONS_SQL, request)
