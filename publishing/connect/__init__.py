"""Connecting an account: one module per way a platform lets an app act for a person.

- `oauth.py`: the OAuth 2 authorization-code flow with PKCE (RFC 6749 §4.1, RFC 7636), the same on every platform;
- `mastodon.py`: per-server app registration, then `oauth.py`, then the account read back;
- `bluesky.py`: a handle and an app password, checked by opening a session on the account's PDS;
- `providers.py`: the other platforms' endpoints and scopes, and the app's client from settings.
Each knows its platform's quirks; `publishing/connecting.py` saves the result and keeps the flow's state.
"""
