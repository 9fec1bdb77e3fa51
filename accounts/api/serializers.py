"""API serializers of the accounts app."""

from django.contrib.auth.models import User
from rest_framework import serializers

from accounts.models import ApiToken, person_label


class PersonSerializer(serializers.ModelSerializer):
    """A person: the user with their profile's discipline and role."""

    name = serializers.SerializerMethodField()
    discipline = serializers.CharField(source="profile.discipline", read_only=True)
    role = serializers.CharField(source="profile.role", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "discipline", "role"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return person_label(user)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A personal API token as listed: never its key."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A token just created: the only answer that carries its key."""

    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
