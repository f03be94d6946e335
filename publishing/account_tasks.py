"""Celery tasks about connected accounts: thin, safe to run twice (beat runs them)."""

from celery import shared_task


@shared_task
def warn_about_accounts_needing_reconnecting() -> int:
    """Warn the owners of scheduled posts due within 24 hours on accounts that need reconnecting."""
    from publishing.reconnect import warn_ahead

    return warn_ahead()
