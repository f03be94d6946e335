"""LinkedIn beside the post itself: its first comment, its counts, and the member a new token is for.

- Comments API (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api):
  `POST rest/socialActions/{post URN}/comments` with `actor`, `object` and `message.text`; `GET` the same path
  lists the post's comments, which is how a second run finds the comment a first one made.
- Counts: an organization's post has its lifetime `totalShareStatistics` (impressions, clicks, likes, comments,
  shares) from `rest/organizationalEntityShareStatistics` (…/community-management/organizations/share-statistics);
  a member's post has no statistics API open to apps, only reactions and comment counts from
  `rest/socialMetadata/{post URN}` (…/community-management/shares/reactions-api, "socialMetadata").
- Sign In with LinkedIn using OpenID Connect: `GET v2/userinfo` answers the member's `sub` and `name`
  (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.checks import ERROR, Problem
from publishing.adapters.base import Connection, Permanent, Published
from publishing.adapters.first_comment import comment_or_note
from publishing.connect import providers

if TYPE_CHECKING:
    from campaigns.models import Variant
    from publishing.adapters.linkedin import LinkedInAdapter
    from publishing.models import Publication

# A comment's text: 1,250 characters in secondary sources only (~; the Comments API states none).
COMMENT_MAX_CHARS = 1_250
COMMENTS_PAGE = 100  # a retry comes minutes after the first run: its comment is among the newest


def post_first_comment(
    adapter: LinkedInAdapter, publication: Publication, published: Published, author: str
) -> Published:
    """The variant's first comment on the post, unless an earlier run made it; a failure is a note, not an error."""
    account, text = publication.account, publication.variant.first_comment.strip()
    path = f"rest/socialActions/{quote(published.remote_id, safe='')}/comments"

    def already_made() -> bool:
        comments = adapter._call(account, "GET", path, params={"start": 0, "count": COMMENTS_PAGE}).json()
        return any(
            c.get("actor") == author and (c.get("message") or {}).get("text") == text
            for c in comments.get("elements", [])
        )

    body = {"actor": author, "object": published.remote_id, "message": {"text": text}}
    return comment_or_note(
        publication, published, already_made, lambda: adapter._call(account, "POST", path, json=body)
    )


# post_metrics' names → our columns: an organization's post's totalShareStatistics, or a member's post's reactions
# by type (learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/reactions-api) and comments.
REACTIONS = ("LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT")
METRIC_NAMES = {
    "impressionCount": "impressions", "likeCount": "likes", "commentCount": "replies", "shareCount": "shares",
    "clickCount": "clicks", "comments.count": "replies", **dict.fromkeys(REACTIONS, "likes"),
}  # fmt: skip


def post_metrics(adapter: LinkedInAdapter, publication: Publication, author: str) -> dict[str, int]:
    """The post's counts under LinkedIn's names: share statistics for an organization's, social metadata else."""
    account, urn = publication.account, publication.remote_id
    if not author.startswith("urn:li:organization:"):
        meta = adapter._call(account, "GET", f"rest/socialMetadata/{quote(urn, safe='')}").json()
        reactions = {kind: int(r.get("count", 0)) for kind, r in (meta.get("reactionSummaries") or {}).items()}
        comments = meta.get("commentSummary") or {}
        return reactions | {f"comments.{name}": int(comments.get(name, 0)) for name in ("count", "topLevelCount")}
    # Rest.li 2.0 lists, `List(urn%3Ali%3Ashare%3A1)`: the URNs encoded, the list's brackets not
    # (…/shared/api-guide/concepts/protocol-version); a post made through the Posts API may be a ugcPost.
    kind = "ugcPosts" if urn.startswith("urn:li:ugcPost:") else "shares"
    query = f"q=organizationalEntity&organizationalEntity={quote(author, safe='')}&{kind}=List({quote(urn, safe='')})"
    elements = adapter._call(account, "GET", f"rest/organizationalEntityShareStatistics?{query}").json()["elements"]
    if not elements:
        raise Permanent(f"LinkedIn has no statistics for {urn} (older than 12 months, or not the page's)", status=404)
    totals = elements[0].get("totalShareStatistics", {})
    return {name: value for name, value in totals.items() if isinstance(value, int)}  # `engagement` is a ratio


def member_connection(adapter: LinkedInAdapter, connection: Connection) -> Connection:
    """The member the new token is for: the name as handle and display name, `urn:li:person:{sub}` as author."""
    url = f"{connection.api_base_url.rstrip('/')}/v2/userinfo"
    me = adapter.request("GET", url, token=connection.credentials.get("access_token", "")).json()
    if not isinstance(me, dict) or not me.get("sub"):
        raise Permanent("LinkedIn's userinfo did not say who the member is (no sub): is the openid scope granted?")
    credentials = {**connection.credentials, "author": f"urn:li:person:{me['sub']}"}
    if (found := providers.configured("linkedin")) and found[0].token_url != providers.PROVIDERS["linkedin"].token_url:
        credentials["token_uri"] = found[0].token_url  # refresh where the code was exchanged (the sandbox)
    name = str(me.get("name") or " ".join(filter(None, (me.get("given_name"), me.get("family_name")))))
    return replace(connection, handle=name or connection.handle, display_name=name, credentials=credentials)


def comment_problems(variant: Variant) -> list[Problem]:
    """The first comment over LinkedIn's length (PLANNER_LINKEDIN_COMMENT_MAX_CHARS overrides the default)."""
    limit = getattr(settings, "PLANNER_LINKEDIN_COMMENT_MAX_CHARS", COMMENT_MAX_CHARS)
    if (count := len(variant.first_comment.strip())) <= limit:
        return []
    message = _("LinkedIn comments take at most %(limit)s characters; the first comment has %(count)s.")
    return [Problem("first_comment", "comment_length", message % {"limit": limit, "count": count}, ERROR)]
