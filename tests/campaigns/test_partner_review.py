"""Partner review: a manager sends an outside clinician a signed, expiring link to read an item and leave
feedback, without an account; every use is recorded; the link dies on expiry or revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from campaigns import partner_review, workflow
from campaigns.models import Approval, ContentItem, Notification, PartnerFeedback, PartnerLink, PartnerLinkUse
from campaigns.partner_review import SALT, Visit
from campaigns.partner_selectors import partner_url
from campaigns.workflow import WorkflowError
from tests import builders

pytestmark = pytest.mark.django_db
VISIT = Visit("203.0.113.7", "Mozilla/5.0 (the partner's browser)")


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(world, item=None, days: int = 7) -> tuple[PartnerLink, str]:
    return partner_review.create_link(item or world.item, world.manager, "Dr Amal Haddad", "amal@clinic.example", days)


def test_a_manager_sends_a_link_from_the_item_page_and_the_partner_is_emailed_it(
    world, django_capture_on_commit_callbacks
):
    form = {"partner_name": "Dr Amal Haddad", "partner_email": "amal@clinic.example", "days_valid": "7"}

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(world.manager).post(reverse("partner_link_create", args=[world.item.pk]), form)

    link = PartnerLink.objects.get()
    assert response.status_code == 302
    assert (link.item, link.created_by, link.partner_email) == (world.item, world.manager, "amal@clinic.example")
    assert link.expires_at - link.created_at == dt.timedelta(days=7)
    (message,) = mail.outbox
    assert message.to == ["amal@clinic.example"]
    assert partner_url(world.item.pk, partner_review.token_for(link)) in message.body
    assert Event.objects.filter(action="partner.link_created", object_id=str(world.item.pk)).exists()


def test_the_partner_opens_the_link_without_an_account_and_reads_the_preview(world):
    link, token = send(world)

    response = Client().get(partner_url(world.item.pk, token), HTTP_USER_AGENT="Firefox", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    page = response.content.decode()
    assert world.variant.text in page
    assert "Clinically approved" in page
    assert reverse("calendar") not in page  # none of the planner's navigation
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]
    (use,) = link.uses.all()
    assert (use.action, use.ip, use.user_agent) == ("viewed", "203.0.113.7", "Firefox")


def test_a_partner_comment_is_kept_on_the_version_read_and_the_managers_are_told(world):
    link, token = send(world)

    response = Client().post(partner_url(world.item.pk, token), {"kind": "comment", "body": "Say 65 and over."})

    assert response.status_code == 302
    feedback = PartnerFeedback.objects.get()
    assert (feedback.kind, feedback.body, feedback.item_version) == ("comment", "Say 65 and over.", world.item.version)
    assert [use.action for use in link.uses.all()] == ["commented"]
    told = Notification.objects.filter(kind=Notification.Kind.PARTNER_FEEDBACK)
    assert set(told.values_list("recipient__username", flat=True)) == {"mona.manager", "max.manager"}


def test_a_clinical_approval_mark_is_not_a_workflow_approval(world):
    builders.make_variant(world.item, "x", text="Get your flu jab #FluVaccine")
    world.item.state = ContentItem.State.IN_REVIEW
    world.item.save(update_fields=["state"])
    link, token = send(world)

    response = Client().post(partner_url(world.item.pk, token), {"kind": "clinically_approved", "body": ""})

    assert response.status_code == 302
    assert PartnerFeedback.objects.get().kind == "clinically_approved"
    assert not Approval.objects.exists()
    world.item.refresh_from_db()
    assert world.item.state == ContentItem.State.IN_REVIEW
    assert workflow.standing_approvals(world.item).count() == 0
    assert [use.action for use in link.uses.all()] == ["marked"]


def test_the_link_cannot_approve_or_move_the_item(world):
    world.item.state = ContentItem.State.IN_REVIEW
    world.item.save(update_fields=["state"])
    _, token = send(world)
    partner = Client()
    partner.get(partner_url(world.item.pk, token))

    asked = partner.post(partner_url(world.item.pk, token), {"kind": "approve"})
    moved = partner.post(reverse("item_move", args=[world.item.pk, "approve"]))

    assert asked.status_code == 400
    assert moved.status_code == 302 and reverse("login") in moved["Location"]  # the token signs no one in
    world.item.refresh_from_db()
    assert world.item.state == ContentItem.State.IN_REVIEW
    assert not Approval.objects.exists() and not PartnerFeedback.objects.exists()


def test_an_expired_link_answers_gone_and_its_use_is_recorded(world):
    link, token = send(world, days=1)
    PartnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1),
                                                  created_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip

    response = Client().get(partner_url(world.item.pk, token))
    posted = Client().post(partner_url(world.item.pk, token), {"kind": "comment", "body": "Late"})

    assert response.status_code == 410 and posted.status_code == 410
    assert "expired" in response.content.decode()
    assert [use.action for use in link.uses.all()] == ["refused", "refused"]
    assert not PartnerFeedback.objects.exists()


def test_a_revoked_link_answers_gone(world):
    link, token = send(world)
    response = logged_in(world.second_manager).post(reverse("partner_link_revoke", args=[world.item.pk, link.pk]))

    opened = Client().get(partner_url(world.item.pk, token))

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.revoked_by, link.revoked_at is not None) == (world.second_manager, True)
    assert opened.status_code == 410
    assert "withdrawn" in opened.content.decode()
    assert Event.objects.filter(action="partner.link_revoked").exists()


def test_feedback_is_refused_once_the_link_is_revoked_in_the_meantime(world):
    link, _ = send(world)
    partner_review.revoke_link(link, world.manager)

    with pytest.raises(WorkflowError) as refused:
        partner_review.leave_feedback(link, "comment", "Too late", VISIT)

    assert refused.value.status == 410
    assert not PartnerFeedback.objects.exists()


def test_a_link_cannot_be_used_for_another_item(world):
    other = builders.make_item(world.campaign, "Wash your hands")
    link, token = send(world)

    response = Client().get(partner_url(other.pk, token))

    assert response.status_code == 403
    assert "another item" in response.content.decode()
    assert [use.action for use in link.uses.all()] == ["refused"]


def test_a_token_made_up_for_another_item_does_not_verify(world):
    other = builders.make_item(world.campaign, "Wash your hands")
    link, _ = send(world)
    forged = signing.dumps({"l": link.pk, "n": link.nonce, "i": other.pk}, salt=SALT)

    response = Client().get(partner_url(other.pk, forged))

    assert response.status_code == 403
    assert not PartnerLinkUse.objects.filter(action="viewed").exists()


def test_a_tampered_token_is_refused_with_a_clear_page(world):
    _, token = send(world)

    response = Client().get(partner_url(world.item.pk, token[:-2] + ("aa" if token[-2:] != "aa" else "bb")))
    other_salt = Client().get(partner_url(world.item.pk, signing.dumps({"l": 1, "n": "x", "i": world.item.pk})))

    assert response.status_code == 403 and other_salt.status_code == 403
    assert "not valid" in response.content.decode()


def test_a_signature_older_than_any_link_can_live_is_refused(world, monkeypatch):
    _, token = send(world)
    later = timezone.now() + partner_review.TOKEN_MAX_AGE + dt.timedelta(days=1)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())

    with pytest.raises(partner_review.LinkRefused) as refused:
        partner_review.verify(token, world.item.pk, VISIT)

    assert refused.value.status == 410


def test_the_partner_page_checks_csrf(world):
    _, token = send(world)

    response = Client(enforce_csrf_checks=True).post(
        partner_url(world.item.pk, token), {"kind": "comment", "body": "Hi"}
    )

    assert response.status_code == 403
    assert not PartnerFeedback.objects.exists()


def test_an_empty_comment_is_refused_naming_the_field(world):
    link, token = send(world)

    response = Client().post(partner_url(world.item.pk, token), {"kind": "comment", "body": "  "})

    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert [use.action for use in link.uses.all()] == ["refused"]


def test_only_managers_send_and_revoke_links(world):
    form = {"partner_name": "Dr Amal Haddad", "partner_email": "amal@clinic.example", "days_valid": "7"}
    link, _ = send(world)

    by_editor = logged_in(world.editor).post(reverse("partner_link_create", args=[world.item.pk]), form)
    revoked_by_editor = logged_in(world.editor).post(reverse("partner_link_revoke", args=[world.item.pk, link.pk]))

    assert by_editor.status_code == 403 and revoked_by_editor.status_code == 403
    assert PartnerLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_manager_of_another_organisation_cannot_send_or_revoke(world):
    outside_manager = builders.make_member(world.clinic, "olga.outside", "manager")
    form = {"partner_name": "Dr Amal Haddad", "partner_email": "amal@clinic.example", "days_valid": "7"}
    link, _ = send(world)

    sent = logged_in(outside_manager).post(reverse("partner_link_create", args=[world.item.pk]), form)
    revoked = logged_in(outside_manager).post(reverse("partner_link_revoke", args=[world.item.pk, link.pk]))

    assert sent.status_code == 404 and revoked.status_code == 404
    with pytest.raises(WorkflowError):
        partner_review.create_link(world.item, outside_manager, "Dr X", "x@example.org")
    assert PartnerLink.objects.count() == 1


def test_a_bad_number_of_days_is_a_form_error_and_saves_nothing(world):
    form = {"partner_name": "Dr Amal Haddad", "partner_email": "not an address", "days_valid": "400"}

    response = logged_in(world.manager).post(reverse("partner_link_create", args=[world.item.pk]), form)

    assert response.status_code == 400
    errors = response.context["partner"]["form"].errors
    assert set(errors) == {"partner_email", "days_valid"}
    assert not PartnerLink.objects.exists()


def test_managers_see_links_uses_and_marks_on_the_item_and_review_pages(world):
    world.item.author = world.editor
    world.item.save(update_fields=["author"])
    builders.make_variant(world.item, "x", text="Get your flu jab #FluVaccine")
    world.item.state = ContentItem.State.IN_REVIEW
    world.item.save(update_fields=["state"])
    link, token = send(world)
    Client().get(partner_url(world.item.pk, token))
    partner_review.leave_feedback(link, "clinically_approved", "Sound advice.", VISIT)

    item_page = logged_in(world.manager).get(reverse("item_detail", args=[world.item.pk])).content.decode()
    queue = logged_in(world.manager).get(reverse("review_queue")).content.decode()
    editor_page = logged_in(world.editor).get(reverse("item_detail", args=[world.item.pk])).content.decode()

    assert "Dr Amal Haddad" in item_page and "Sound advice." in item_page
    assert "clinically approved" in item_page and "203.0.113.7" in item_page
    assert partner_url(world.item.pk, token) in item_page
    assert "clinically approved" in queue
    assert "partner-review" not in editor_page


def test_a_mark_on_an_older_version_says_the_content_changed_since(world):
    link, _ = send(world)
    partner_review.leave_feedback(link, "clinically_approved", "", VISIT)
    world.variant.text = "Changed after the partner read it"
    world.variant.save(update_fields=["text"])

    page = logged_in(world.manager).get(reverse("item_detail", args=[world.item.pk])).content.decode()

    assert "the content has changed since" in page


def test_the_outsider_cannot_see_the_links_of_another_organisation(world):
    send(world)

    assert not PartnerLink.objects.for_user(world.outsider).exists()
    assert not PartnerLinkUse.objects.for_user(world.outsider).exists()
    assert logged_in(world.outsider).get(reverse("item_detail", args=[world.item.pk])).status_code == 404
