"""``manage.py seed_demo`` creates demo data once, however often it runs."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import Profile, Role


@pytest.mark.django_db
def test_seed_demo_twice_creates_no_duplicates():
    call_command("seed_demo", stdout=StringIO())
    first = {model: model.objects.count() for model in (User, Profile)}
    call_command("seed_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in (User, Profile)} == first
    assert first[User] >= 6


@pytest.mark.django_db
def test_seed_demo_gives_every_role_a_login(client):
    call_command("seed_demo", stdout=StringIO())
    roles = set(Profile.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    response = client.post(
        "/accounts/login/", {"username": "manager", "password": "tandem-demo"}, follow=True
    )
    assert response.context["user"].username == "manager"
