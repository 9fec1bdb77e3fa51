"""API serializers of the projects app."""

from django.contrib.auth.models import User
from rest_framework import serializers


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
        return user.get_full_name() or user.get_username()
