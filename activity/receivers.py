"""Events the apps above activity announce with signals, recorded in the log.

Those apps may not import the log (dependencies point one way), so they send a signal from
their service and the log records it here, in the same transaction.
"""

from django.dispatch import receiver

from accounts.signals import api_token_created, api_token_revoked, profile_updated

from .models import EventType
from .services import activity_record


@receiver(api_token_created, dispatch_uid="activity-api-token-created")
def _api_token_created(sender, *, token, actor, **kwargs) -> None:
    activity_record(
        actor=actor, event=EventType.TOKEN_CREATED, target=token.user, data={"token": token.name}
    )


@receiver(api_token_revoked, dispatch_uid="activity-api-token-revoked")
def _api_token_revoked(sender, *, token, actor, **kwargs) -> None:
    activity_record(
        actor=actor, event=EventType.TOKEN_REVOKED, target=token.user, data={"token": token.name}
    )


@receiver(profile_updated, dispatch_uid="activity-profile-updated")
def _profile_updated(sender, *, profile, actor, changes, **kwargs) -> None:
    activity_record(actor=actor, event=EventType.PROFILE_UPDATED, target=profile.user, data=changes)
