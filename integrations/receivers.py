"""Webhook fan-out where events are recorded: every new activity row, in its transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from activity.models import Activity

from .services.webhooks import webhooks_fan_out


@receiver(post_save, sender=Activity, dispatch_uid="integrations-webhooks-fan-out")
def _activity_recorded(sender, instance: Activity, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        webhooks_fan_out(instance)
