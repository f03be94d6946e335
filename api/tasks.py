"""Celery tasks of the API: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_webhook(delivery_id: int, attempt: int | None = None) -> str:
    """Make one attempt at a webhook delivery; schedule the next one when it should be retried."""
    from api import webhooks

    outcome = webhooks.deliver(delivery_id, attempt)
    if outcome.retry_in is not None:
        deliver_webhook.apply_async((delivery_id, outcome.attempt + 1), countdown=outcome.retry_in.total_seconds())
    return outcome.result


@shared_task(ignore_result=True)
def resend_lost_webhook_retries() -> int:
    """Send again the webhook attempts whose message was lost (every minute, from beat)."""
    from api import webhooks

    return len(webhooks.resend_lost())
