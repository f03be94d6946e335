"""Connecting an account from the accounts page: start a flow, finish it, save the account.

The OAuth flows keep their state and PKCE verifier in the person's session between the redirect to
the platform and the callback; the callback is refused unless it brings that state back. Only the
organisation's admins and managers connect accounts; everything is saved in one transaction, after
every check, so a refused connection leaves nothing half saved.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit import events
from campaigns.models import Organisation, Role
from campaigns.renditions import request_library_renditions
from campaigns.scoping import role_in
from publishing import metrics
from publishing.adapters.base import Connection, PublishError
from publishing.connect import bluesky, mastodon, oauth, providers
from publishing.connect.oauth import ConnectRefused
from publishing.models import OAuthApplication, Publication, SocialAccount
from publishing.platforms import Platform

MANAGING_ROLES = (Role.ADMIN, Role.MANAGER)
PENDING_KEY = "publishing.connect.pending"
# Long enough to sign in on the platform and read its consent page; Mastodon's codes last 10 minutes.
PENDING_LIFETIME = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Pending:
    """An OAuth flow between its redirect to the platform and its callback."""

    state: str
    verifier: str
    platform: str
    organisation_id: int
    redirect_uri: str
    started_at: float
    application_id: int | None = None  # Mastodon: our app on the server
    handle: str = ""  # the other platforms: as the person typed it, if at all (which Facebook Page)


def organisations_managed_by(user: AbstractBaseUser) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(user, roles=MANAGING_ROLES)


def may_manage(user: AbstractBaseUser, organisation: Organisation) -> bool:
    return role_in(user, organisation) in MANAGING_ROLES


def start_mastodon(user: AbstractBaseUser, organisation: Organisation, server: str, redirect_uri: str,
                   session: SessionBase, client: httpx.Client) -> str:  # fmt: skip
    """Register our app on the server if new, and return where the person authorizes it."""
    _check_may_manage(user, organisation)
    app = mastodon.application(client, mastodon.server_url(server), redirect_uri)
    pending = _remember(session, Platform.MASTODON, organisation, redirect_uri, application_id=app.pk)
    return mastodon.authorize_url(app, pending.state, pending.verifier)


def start_oauth(user: AbstractBaseUser, organisation: Organisation, platform: str, handle: str, redirect_uri: str,
                session: SessionBase) -> str:  # fmt: skip
    """Where the person authorizes our app on one of the other platforms (its client from settings)."""
    _check_may_manage(user, organisation)
    if not (found := providers.configured(platform)):
        raise ConnectRefused(not_configured_message(platform, redirect_uri))
    provider, app = found
    pending = _remember(session, platform, organisation, redirect_uri, handle=handle.strip())
    return oauth.authorize_url(
        provider.authorize_url, client_id=app.client_id, redirect_uri=redirect_uri, scope=provider.scopes,
        state=pending.state, verifier=pending.verifier, extra=dict(provider.extra),
    )  # fmt: skip


def finish_oauth(user: AbstractBaseUser, session: SessionBase, params: Mapping[str, str],
                 client: httpx.Client) -> SocialAccount:  # fmt: skip
    """The callback: the state checked against the session's, the code traded for tokens, the account saved."""
    pending = _take(session, params.get("state", ""))
    platform = pending.platform
    if error := params.get("error"):
        # RFC 6749 §4.1.2.1: access_denied when the person said no.
        if error == "access_denied":
            raise ConnectRefused("The authorization was denied on the platform: nothing was connected.")
        raise ConnectRefused(f"The platform did not authorize the app ({error}): {params.get('error_description', '')}")
    if not (code := params.get("code", "")):
        raise ConnectRefused("The platform came back without an authorization code: nothing was connected.")
    organisation = Organisation.objects.filter(pk=pending.organisation_id).first()
    if organisation is None:
        raise ConnectRefused("The organisation this connection was started for is gone: nothing was connected.")
    _check_may_manage(user, organisation)
    if platform == Platform.MASTODON:
        if not (app := OAuthApplication.objects.filter(pk=pending.application_id).first()):
            raise ConnectRefused("The app registration this connection used is gone: start it again.")
        tokens = mastodon.exchange(client, app, code, pending.verifier)
        handle, display_name = mastodon.whoami(client, app.server_url, tokens.access_token)
        client_keys = {"client_id": app.client_id, "client_secret": app.secrets.get("client_secret", "")}
        connection = Connection(
            handle, app.server_url, _credentials(tokens, client_keys), tokens.expires_in_s, display_name
        )
    else:
        if not (found := providers.configured(platform)):
            raise ConnectRefused(not_configured_message(platform, pending.redirect_uri))
        provider, app_client = found
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": pending.redirect_uri,
                "code_verifier": pending.verifier, "client_id": app_client.client_id}  # fmt: skip
        basic = (app_client.client_id, app_client.client_secret) if provider.basic_auth else None
        if not provider.basic_auth and app_client.client_secret:
            form["client_secret"] = app_client.client_secret
        tokens = oauth.exchange_code(client, provider.token_url, form, basic_auth=basic)
        client_keys = {"client_id": app_client.client_id, "client_secret": app_client.client_secret}
        connection = _completed(platform, Connection(
            pending.handle, provider.api_base_url, _credentials(tokens, client_keys), tokens.expires_in_s
        ))  # fmt: skip
    return save_connection(user, organisation, platform, connection.handle, connection.api_base_url,
                           connection.credentials, connection.expires_in_s, connection.display_name)  # fmt: skip


def _credentials(tokens: oauth.Tokens, client_keys: dict[str, str]) -> dict[str, Any]:
    credentials = {"access_token": tokens.access_token, **client_keys}
    if tokens.refresh_token:
        credentials["refresh_token"] = tokens.refresh_token
    return credentials


def _completed(platform: str, connection: Connection) -> Connection:
    """The platform's own name for the account, and the credentials it says to keep (its adapter knows how)."""
    from publishing.adapters import adapter_for

    try:
        return adapter_for(platform).complete_connection(connection)
    except PublishError as error:
        raise ConnectRefused(f"The platform did not accept the new tokens: {error}") from error


def connect_bluesky(user: AbstractBaseUser, organisation: Organisation, handle: str, app_password: str, pds: str,
                    client: httpx.Client) -> SocialAccount:  # fmt: skip
    """Check the handle and app password by opening a session on the PDS, then save the account."""
    _check_may_manage(user, organisation)
    handle, app_password = bluesky.check_handle(handle), bluesky.check_app_password(app_password)
    base = bluesky.pds_url(pds)
    credentials = bluesky.create_session(client, base, handle, app_password)
    shown = credentials.pop("handle")
    return save_connection(user, organisation, Platform.BLUESKY, f"@{shown}", base, credentials, None)


def save_connection(user: AbstractBaseUser, organisation: Organisation, platform: str, handle: str,
                    api_base_url: str, credentials: dict[str, Any], expires_in_s: int | None,
                    display_name: str = "") -> SocialAccount:  # fmt: skip
    """Create the account, or give the one already connected its new credentials (reconnecting)."""
    _check_may_manage(user, organisation)
    now = timezone.now()
    with transaction.atomic():
        account = (
            SocialAccount.objects.select_for_update()
            .filter(organisation=organisation, platform=platform, handle=handle)
            .first()
        ) or SocialAccount(organisation=organisation, platform=platform, handle=handle)
        new_platform = not SocialAccount.objects.filter(
            organisation=organisation, platform=platform, is_active=True
        ).exists()
        account.api_base_url, account.credentials, account.is_active = api_base_url, credentials, True
        account.display_name = display_name[:200] or account.display_name
        account.token_expires_at = now + dt.timedelta(seconds=expires_in_s) if expires_in_s else None
        account.connected_at = now
        try:
            account.full_clean()
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise ConnectRefused(f"{field}: {' '.join(messages)}") from error
        reconnected = account.pk is not None
        account.save()
        events.record(
            organisation, user, "account.connected", "account", account.pk, str(account),
            {"platform": platform, "handle": handle, "server": events.url_label(api_base_url),
             "reconnected": reconnected},
        )  # fmt: skip
        metrics.resume_for_account(account.pk, now)  # collections that waited for new credentials
        if new_platform:
            request_library_renditions(organisation)  # the library's images made to the new platform's shapes
    return account


def disconnect(user: AbstractBaseUser, account: SocialAccount) -> int:
    """Forget the account's credentials and switch it off; what was scheduled on it is cancelled, and an item
    left with nothing scheduled goes back to approved. Returns how many publications were cancelled.
    Reconnecting the same handle later switches it on again (`save_connection`)."""
    from campaigns import workflow
    from campaigns.models import ContentItem
    from publishing import scheduling

    _check_may_manage(user, account.organisation)
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        waiting = Publication.objects.filter(account=locked, state__in=scheduling.PENDING_STATES)
        items = set(waiting.values_list("variant__item_id", flat=True))
        cancelled = scheduling.cancel_account_publications(locked, f"Cancelled: {locked} was disconnected.")
        locked.credentials, locked.is_active, locked.token_expires_at, locked.connected_at = {}, False, None, None
        locked._change_reason = f"Disconnected by {user}"
        locked.save(update_fields=["credentials", "is_active", "token_expires_at", "connected_at"])
        events.record(
            locked.organisation_id, user, "account.disconnected", "account", locked.pk, str(locked),
            {"platform": locked.platform, "handle": locked.handle, "cancelled_publications": cancelled},
        )  # fmt: skip
        for item in ContentItem.objects.filter(pk__in=items, state=ContentItem.State.SCHEDULED):
            if not scheduling.pending_publications(item).exists():
                workflow.perform(item, "unschedule", user)
    return cancelled


def not_configured_message(platform: str, redirect_uri: str) -> str:
    """What the installation's administrator must configure before accounts on `platform` can be connected."""
    label = Platform(platform).label
    return (
        f"{label} is not set up on this installation yet: the administrator registers an app with {label} "
        f"(redirect URL {redirect_uri}) and adds its client to the settings: "
        f'PLANNER_OAUTH_CLIENTS = {{"{platform}": {{"client_id": "…", "client_secret": "…"}}}}.'
    )


def _check_may_manage(user: AbstractBaseUser, organisation: Organisation) -> None:
    if not may_manage(user, organisation):
        raise PermissionDenied("Only the organisation's admins and managers connect accounts.")


def _remember(session: SessionBase, platform: str, organisation: Organisation, redirect_uri: str,
              **fields: Any) -> Pending:  # fmt: skip
    pending = Pending(
        state=oauth.new_state(), verifier=oauth.new_verifier(), platform=platform, organisation_id=organisation.pk,
        redirect_uri=redirect_uri, started_at=timezone.now().timestamp(), **fields,
    )  # fmt: skip
    session[PENDING_KEY] = asdict(pending)  # one flow at a time: a new one replaces an abandoned one
    return pending


def _take(session: SessionBase, state: str) -> Pending:
    """The session's pending flow, if the callback brings its state back; taken, so a replay finds none."""
    stored = session.get(PENDING_KEY)
    if not stored or not state:
        raise ConnectRefused("This connection was not started here, or was already finished: start it again.")
    pending = Pending(**stored)
    if not hmac.compare_digest(pending.state, state):
        # Kept: a forged callback must not cancel the person's own flow.
        raise ConnectRefused("The platform came back with a state that does not match: nothing was connected.")
    del session[PENDING_KEY]
    if timezone.now().timestamp() - pending.started_at > PENDING_LIFETIME.total_seconds():
        raise ConnectRefused("This connection took too long: start it again.")
    return pending
