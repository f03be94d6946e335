"""Cursor pagination: stable under inserts, and no COUNT(*) over a large table."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 200


class StableCursorPagination(CursorPagination):
    """Pages in the order of `-id` unless a view or `?ordering=` says otherwise (ties then go by offset)."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
