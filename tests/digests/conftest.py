"""Fixtures of the digest tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://tandem.example.com"
    settings.TIME_ZONE = "UTC"
