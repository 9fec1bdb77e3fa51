"""Keeps every user with a profile, however the user was created (admin, createsuperuser)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import profile_ensure


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-profile-ensure")
def _user_saved(sender, instance, created: bool, **kwargs) -> None:
    if created:
        profile_ensure(user=instance)
