"""What LinkedIn's documentation defines and its community definition (community.py) lacks: operations and replies.

Each from its page on learn.microsoft.com/en-us/linkedin/:
- Comments API (…/marketing/community-management/shares/comments-api): `POST` and `GET
  /rest/socialActions/{post URN}/comments`, a Comment `{"id", "commentUrn", "actor", "object", "message":
  {"text", "attributes"}, "created", "lastModified"}` and a collection of them;
- Organization Share Statistics (…/community-management/organizations/share-statistics):
  `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=…&shares=List(…)`;
- Reactions and Social Metadata (…/community-management/shares/reactions-api): `GET /rest/socialMetadata/{URN}`;
- Sign In with LinkedIn using OpenID Connect (…/consumer/integrations/self-serve/sign-in-with-linkedin-v2):
  `GET /v2/userinfo`, unversioned;
- errors (…/shared/api-guide/concepts/error-handling): `{"status", "serviceErrorCode", "code"?, "message"}`.
The schemas are closed: a field the page does not name fails.
"""

from __future__ import annotations

from typing import Any

VERSIONED = [{"name": name, "in": "header"} for name in ("LinkedIn-Version", "X-Restli-Protocol-Version")]
COMMENT_FIELDS = {"actor", "object", "message", "content", "parentComment"}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


INTEGER, STRING, URN = {"type": "integer"}, {"type": "string"}, {"type": "string", "pattern": "^urn:li:"}
PAGING = _object(["start", "count"], start=INTEGER, count=INTEGER, total=INTEGER, links={"type": "array"})
STAMP = _object(["actor", "time"], actor=URN, time=INTEGER, impersonator=URN)
COMMENT = _object(
    ["id", "commentUrn", "actor", "object", "message", "created"], id=STRING, commentUrn=URN, actor=URN,
    object=URN, message=_object(["text"], text=STRING, attributes={"type": "array"}), created=STAMP,
    lastModified=STAMP, parentComment=URN, content={"type": "array"}, likesSummary={"type": "object"},
)  # fmt: skip
COUNTS = ("impressionCount", "uniqueImpressionsCount", "likeCount", "commentCount", "shareCount", "clickCount",
          "commentMentionsCount", "shareMentionsCount")  # fmt: skip
STATISTICS = _object(
    ["organizationalEntity", "totalShareStatistics"], organizationalEntity=URN, share=URN, ugcPost=URN,
    totalShareStatistics=_object([], engagement={"type": "number"}, **dict.fromkeys(COUNTS, INTEGER)),
    timeRange={"type": "object"},
)  # fmt: skip
REACTION = _object(["reactionType", "count"], reactionType=STRING, count=INTEGER)
SOCIAL_METADATA = _object(
    ["entity", "reactionSummaries", "commentSummary"], entity=URN, commentsState={"enum": ["OPEN", "CLOSED"]},
    reactionSummaries={"type": "object", "additionalProperties": REACTION},
    commentSummary=_object(["count", "topLevelCount"], count=INTEGER, topLevelCount=INTEGER),
)  # fmt: skip
USERINFO = _object(
    ["sub"], sub=STRING, name=STRING, given_name=STRING, family_name=STRING, picture=STRING, locale=STRING,
    email=STRING, email_verified={"type": "boolean"},
)  # fmt: skip
ERROR = _object(["status", "message"], status=INTEGER, serviceErrorCode=INTEGER, code=STRING, message=STRING)

# (METHOD, path without /rest): the operation's parameters, and the schema of its successful reply.
OPERATIONS: dict[tuple[str, str], tuple[list[dict[str, str]], dict[str, Any]]] = {
    ("POST", "/socialActions/{urn}/comments"): (VERSIONED, COMMENT),
    ("GET", "/socialActions/{urn}/comments"): (
        VERSIONED + [{"name": name, "in": "query"} for name in ("start", "count")],
        _object(["elements", "paging"], elements={"type": "array", "items": COMMENT}, paging=PAGING),
    ),
    ("GET", "/organizationalEntityShareStatistics"): (
        VERSIONED + [{"name": name, "in": "query"} for name in ("q", "organizationalEntity", "shares", "ugcPosts")],
        _object(["elements", "paging"], elements={"type": "array", "items": STATISTICS}, paging=PAGING),
    ),
    ("GET", "/socialMetadata/{urn}"): (VERSIONED, SOCIAL_METADATA),
    ("GET", "/v2/userinfo"): ([], USERINFO),
}
