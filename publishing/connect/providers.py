"""The platforms connected through plain OAuth 2 with PKCE: their endpoints and scopes, and our app's client.

The client (id and secret of the app registered with the platform) comes from settings:
PLANNER_OAUTH_CLIENTS = {"x": {"client_id": "…", "client_secret": "…"}, …}; any endpoint of the table
may be overridden there too (`authorize_url`, `token_url`, `api_base_url`: the demo points them to the sandbox).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings

from publishing.platforms import Platform


@dataclass(frozen=True)
class Provider:
    platform: str
    authorize_url: str
    token_url: str
    scopes: str
    api_base_url: str
    docs: str
    # How the app authenticates at the token endpoint: HTTP Basic, or client_id/client_secret in the form.
    basic_auth: bool = False
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str


PROVIDERS: dict[str, Provider] = {
    p.platform: p
    for p in [
        # A confidential client authenticates with Basic; offline.access brings a refresh token.
        Provider(Platform.X, "https://x.com/i/oauth2/authorize", "https://api.x.com/2/oauth2/token",
                 "tweet.read tweet.write users.read media.write offline.access", "https://api.x.com/",
                 "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code",
                 basic_auth=True),
        Provider(Platform.LINKEDIN, "https://www.linkedin.com/oauth/v2/authorization",
                 "https://www.linkedin.com/oauth/v2/accessToken", "openid profile w_member_social",
                 "https://api.linkedin.com/",
                 "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow"),
        # access_type=offline and prompt=consent: Google issues a refresh token only then.
        Provider(Platform.YOUTUBE, "https://accounts.google.com/o/oauth2/v2/auth",
                 "https://oauth2.googleapis.com/token",
                 "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.force-ssl",
                 "https://www.googleapis.com/",
                 "https://developers.google.com/identity/protocols/oauth2/web-server",
                 extra=(("access_type", "offline"), ("prompt", "consent"))),
        Provider(Platform.FACEBOOK, "https://www.facebook.com/v21.0/dialog/oauth",
                 "https://graph.facebook.com/v21.0/oauth/access_token",
                 "pages_show_list pages_manage_posts pages_read_engagement", "https://graph.facebook.com/v21.0/",
                 "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow"),
        # Instagram and Threads take their scopes separated by commas.
        Provider(Platform.INSTAGRAM, "https://www.instagram.com/oauth/authorize",
                 "https://api.instagram.com/oauth/access_token",
                 "instagram_business_basic,instagram_business_content_publish", "https://graph.instagram.com/",
                 "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/"
                 "business-login"),
        Provider(Platform.THREADS, "https://threads.net/oauth/authorize",
                 "https://graph.threads.net/oauth/access_token",
                 "threads_basic,threads_content_publish", "https://graph.threads.net/v1.0/",
                 "https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions"),
    ]
}  # fmt: skip


def configured(platform: str) -> tuple[Provider, Client] | None:
    """The platform's endpoints (with any overrides) and our app's client, or None if no client is configured."""
    provider = PROVIDERS.get(platform)
    entry = getattr(settings, "PLANNER_OAUTH_CLIENTS", {}).get(platform) or {}
    if provider is None or not entry.get("client_id"):
        return None
    overrides = {k: entry[k] for k in ("authorize_url", "token_url", "api_base_url", "scopes") if entry.get(k)}
    return replace(provider, **overrides), Client(entry["client_id"], entry.get("client_secret", ""))
