"""Partner review: a manager sends an outside clinician a signed, expiring link to one item.

The partner needs no account. The token is `django.core.signing` of the link's id, its nonce and the item's id,
salted for this use; it verifies only while the signature holds, the link is neither expired nor revoked, and the
item in the address is the item it was made for. Every use of a link (allowed or refused) is recorded. A partner's
"clinically approved" mark is advice to the managers: it writes no `Approval` and moves no state (only
campaigns/workflow.py does that).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from campaigns.models import ContentItem, Notification, PartnerFeedback, PartnerLink, PartnerLinkUse, Role
from campaigns.notifications import managers_of, notify
from campaigns.scoping import role_in
from campaigns.versions import content_hash
from campaigns.workflow import WorkflowError

SALT = "campaigns.partner_review"
DEFAULT_DAYS_VALID = 7
MAX_DAYS_VALID = 60
# The signature's own age limit, past which no link can live: a stolen database row cannot stretch it.
TOKEN_MAX_AGE = dt.timedelta(days=MAX_DAYS_VALID + 1)
FEEDBACK_MAX_CHARS = 5000
USER_AGENT_MAX_CHARS = 300
Use = PartnerLinkUse.Action


class LinkRefused(Exception):
    """A token that opens nothing; `status` is 403 for one that was never valid, 410 for one that died."""

    def __init__(self, message: str, status: int, link: PartnerLink | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.link = message, status, link


@dataclass(frozen=True)
class Visit:
    """Where a use of a link came from, as the request said."""

    ip: str | None
    user_agent: str


def can_send(user: AbstractBaseUser, item: ContentItem) -> bool:
    """Only the item's organisation's managers send and revoke partner links."""
    return role_in(user, item.campaign.organisation) == Role.MANAGER


def create_link(
    item: ContentItem, manager: AbstractBaseUser, partner_name: str, partner_email: str,
    days_valid: int = DEFAULT_DAYS_VALID,
) -> tuple[PartnerLink, str]:  # fmt: skip
    """Make a link for one partner to one item; returns it with its token (the token is not stored)."""
    _check_manager(manager, item)
    if not 1 <= days_valid <= MAX_DAYS_VALID:
        raise WorkflowError(
            _("A link is valid for 1 to %(max)s days.") % {"max": MAX_DAYS_VALID}, code="days_valid", status=400
        )
    partner_name, partner_email = partner_name.strip(), partner_email.strip()
    if not partner_name or not partner_email:
        raise WorkflowError(_("Give the partner's name and e-mail."), code="partner_required", status=400)
    now = timezone.now()
    with transaction.atomic():
        link = PartnerLink.objects.create(
            item=item, partner_name=partner_name, partner_email=partner_email, nonce=secrets.token_hex(16),
            created_by=manager, created_at=now, expires_at=now + dt.timedelta(days=days_valid),
        )  # fmt: skip
        events.record(
            item.campaign.organisation, manager, "partner.link_created", "item", item.pk, item.title,
            {"partner": partner_name, "email": partner_email, "expires_at": link.expires_at, "link": link.pk},
        )  # fmt: skip
    return link, token_for(link)


class _LinkSigner(signing.TimestampSigner):
    """Stamps the token with the link's creation, not the moment it is asked for: the same link, the same token."""

    def __init__(self, link: PartnerLink) -> None:
        super().__init__(salt=SALT)
        self.created_at = link.created_at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.created_at.timestamp()))


def token_for(link: PartnerLink) -> str:
    """The signed token of a link (the same every time it is asked for)."""
    return _LinkSigner(link).sign_object({"l": link.pk, "n": link.nonce, "i": link.item_id})


def send_invitation(link: PartnerLink, url: str) -> None:
    """E-mail the partner their link, once the link is committed."""
    subject = _("Review request: %(title)s") % {"title": link.item.title}
    body = _(
        "Hello %(name)s,\n\n%(organisation)s asks you to read “%(title)s” before it is published, and to leave "
        "your comments or your clinical approval:\n\n%(url)s\n\nThe link works until %(expires)s (UTC). "
        "Please do not forward it.\n"
    ) % {
        "name": link.partner_name, "organisation": link.item.campaign.organisation.name, "title": link.item.title,
        "url": url, "expires": f"{link.expires_at:%Y-%m-%d %H:%M}",
    }  # fmt: skip
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [link.partner_email]))


def revoke_link(link: PartnerLink, manager: AbstractBaseUser) -> PartnerLink:
    """Kill a link at once; revoking a dead link again changes nothing."""
    _check_manager(manager, link.item)
    with transaction.atomic():
        locked = PartnerLink.objects.select_for_update().select_related("item__campaign__organisation").get(pk=link.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at, locked.revoked_by = timezone.now(), manager
        locked.save(update_fields=["revoked_at", "revoked_by"])
        item = locked.item
        events.record(
            item.campaign.organisation, manager, "partner.link_revoked", "item", item.pk, item.title,
            {"partner": locked.partner_name, "link": locked.pk},
        )  # fmt: skip
    return locked


def verify(token: str, item_pk: int, visit: Visit) -> PartnerLink:
    """The live link this token opens for the item `item_pk`, or LinkRefused (a refused use of a known link is
    recorded)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(_("This review link has expired."), 410) from None
    except signing.BadSignature:
        raise LinkRefused(_("This review link is not valid. Check that it was copied whole."), 403) from None
    link = (
        PartnerLink.objects.select_related("item__campaign__organisation")
        .filter(pk=payload.get("l"), nonce=payload.get("n"), item_id=payload.get("i"))
        .first()
    )
    if link is None:
        raise LinkRefused(_("This review link is not valid. Check that it was copied whole."), 403)
    if link.item_id != item_pk:
        record_use(link, Use.REFUSED, visit)
        raise LinkRefused(_("This review link is for another item."), 403, link)
    if link.revoked_at is not None:
        record_use(link, Use.REFUSED, visit)
        raise LinkRefused(_("This review link was withdrawn by the team that sent it."), 410, link)
    if timezone.now() >= link.expires_at:
        record_use(link, Use.REFUSED, visit)
        raise LinkRefused(_("This review link has expired. Ask the team that sent it for a new one."), 410, link)
    return link


def record_use(link: PartnerLink, action: str, visit: Visit) -> PartnerLinkUse:
    """Write down one use of a link."""
    return PartnerLinkUse.objects.create(
        link=link, action=action, ip=visit.ip, user_agent=visit.user_agent[:USER_AGENT_MAX_CHARS]
    )


def leave_feedback(link: PartnerLink, kind: str, body: str, visit: Visit) -> PartnerFeedback:
    """Keep a partner's comment or clinical-approval mark on the version they read, and tell the managers."""
    if kind not in PartnerFeedback.Kind.values:
        raise WorkflowError(_("A partner leaves a comment or a clinical approval."), code="kind", status=400)
    body = body.strip()
    if kind == PartnerFeedback.Kind.COMMENT and not body:
        raise WorkflowError(_("Write something first: the comment is empty."), code="comment_required", status=400)
    if len(body) > FEEDBACK_MAX_CHARS:
        message = _("A comment holds at most %(n)s characters.") % {"n": FEEDBACK_MAX_CHARS}
        raise WorkflowError(message, code="too_long", status=400)
    with transaction.atomic():
        # The link is read again under a lock: a revocation that lands meanwhile wins.
        locked = PartnerLink.objects.select_for_update().select_related("item__campaign__organisation").get(pk=link.pk)
        if not locked.is_live():
            raise WorkflowError(_("This review link is no longer valid."), code="link_dead", status=410)
        item = locked.item
        feedback = PartnerFeedback.objects.create(
            link=locked, item=item, kind=kind, body=body, item_version=item.version, content_hash=content_hash(item)
        )
        marked = kind == PartnerFeedback.Kind.CLINICALLY_APPROVED
        record_use(locked, Use.MARKED if marked else Use.COMMENTED, visit)
        events.record(
            item.campaign.organisation, None, "partner.feedback", "item", item.pk, item.title,
            {"partner": locked.partner_name, "kind": kind, "version": item.version},
        )  # fmt: skip
        names = {"partner": locked.partner_name, "title": item.title, "comment": body[:120]}
        if marked and not body:
            message = _("%(partner)s marked “%(title)s” clinically approved.") % names
        elif marked:
            message = _("%(partner)s marked “%(title)s” clinically approved: %(comment)s") % names
        else:
            message = _("%(partner)s commented on “%(title)s”: %(comment)s") % names
        notify(managers_of(item.campaign.organisation), item, Notification.Kind.PARTNER_FEEDBACK, message)
    return feedback


def is_current(feedback: PartnerFeedback, item: ContentItem, fingerprint: str | None = None) -> bool:
    """Whether the partner read the content as it is now."""
    return feedback.content_hash == (fingerprint or content_hash(item))


def _check_manager(user: AbstractBaseUser, item: ContentItem) -> None:
    if not can_send(user, item):
        raise WorkflowError(_("Only the organisation's managers send partner review links."), code="forbidden",
                            status=403)  # fmt: skip
