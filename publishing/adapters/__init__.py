"""The registry: which adapter publishes to which platform. Nothing else knows a platform's quirks."""

from publishing.adapters.base import Adapter
from publishing.adapters.bluesky import BlueskyAdapter
from publishing.adapters.facebook import FacebookAdapter
from publishing.adapters.instagram import InstagramAdapter
from publishing.adapters.linkedin import LinkedInAdapter
from publishing.adapters.mastodon import MastodonAdapter
from publishing.adapters.sandbox import SandboxAdapter
from publishing.adapters.threads import ThreadsAdapter
from publishing.adapters.x import XAdapter
from publishing.adapters.youtube import YouTubeAdapter
from publishing.platforms import Platform

# Until each platform's own adapter exists (issue 5), every platform speaks the sandbox dialect.
REGISTRY: dict[str, type[Adapter]] = dict.fromkeys(Platform.values, SandboxAdapter)
REGISTRY[Platform.MASTODON] = MastodonAdapter
REGISTRY[Platform.BLUESKY] = BlueskyAdapter
REGISTRY[Platform.X] = XAdapter
REGISTRY[Platform.YOUTUBE] = YouTubeAdapter
REGISTRY[Platform.LINKEDIN] = LinkedInAdapter
REGISTRY[Platform.FACEBOOK] = FacebookAdapter
REGISTRY[Platform.INSTAGRAM] = InstagramAdapter
REGISTRY[Platform.THREADS] = ThreadsAdapter


def adapter_for(platform: str) -> Adapter:
    """A ready adapter for `platform`."""
    return REGISTRY[platform]()
