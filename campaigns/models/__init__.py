"""What is said: organisations, their members, campaigns, content items, variants, media."""

from campaigns.models.campaign import COLOUR_PATTERN, HASHTAG_PATTERN, Campaign, Priority
from campaigns.models.content import Comment, ContentItem, Source, Variant, VariantMedia
from campaigns.models.corrections import Correction
from campaigns.models.evidence import Claim, ClinicalReview
from campaigns.models.media import MediaAsset, Rendition
from campaigns.models.myths import Myth, MythDebunk, MythResponse, MythSource
from campaigns.models.observances import Observance
from campaigns.models.organisations import Membership, Organisation, Role, validate_timezone
from campaigns.models.partner_review import PartnerFeedback, PartnerLink, PartnerLinkUse
from campaigns.models.plan_imports import PlanImport, PlanImportProblem
from campaigns.models.review import Approval, Notification, Transition

__all__ = [
    "COLOUR_PATTERN",
    "HASHTAG_PATTERN",
    "Approval",
    "Campaign",
    "Claim",
    "ClinicalReview",
    "Comment",
    "ContentItem",
    "Correction",
    "MediaAsset",
    "Membership",
    "Myth",
    "MythDebunk",
    "MythResponse",
    "MythSource",
    "Notification",
    "Observance",
    "Organisation",
    "PartnerFeedback",
    "PartnerLink",
    "PartnerLinkUse",
    "PlanImport",
    "PlanImportProblem",
    "Priority",
    "Rendition",
    "Role",
    "Source",
    "Transition",
    "Variant",
    "VariantMedia",
    "validate_timezone",
]
