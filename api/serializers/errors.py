"""The error body, for the schema."""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The input field at fault; null for the whole request.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `wrong_state`, `required`.")
    message = serializers.CharField(help_text="A sentence for a person.")


class ErrorBodySerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)
