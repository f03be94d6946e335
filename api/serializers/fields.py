"""Fields whose schema drf-spectacular would get wrong on its own."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class ShownOptionalUrlField(serializers.CharField):
    """A URL the model allows blank, shown read-only: the empty string means none, and is not a URI.

    A CharField, as the value is never taken in: a URLField's validator would put `format: uri` back.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(read_only=True, **kwargs)
