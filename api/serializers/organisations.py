"""Organisations and their members (names and roles only: no e-mail addresses)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import serializers

from campaigns.models import Membership, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "timezone", "languages", "created_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "organisation", "username", "name", "role", "created_at"]
        read_only_fields = fields

    def get_name(self, membership: Membership) -> str:
        user: AbstractBaseUser = membership.user
        return user.get_full_name() or user.get_username()
