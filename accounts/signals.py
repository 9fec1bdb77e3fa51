"""Signals of the accounts app: token events announced to the apps below accounts.

The activity log records ``api_token_created`` and ``api_token_revoked``: accounts sits above
activity, so it announces them instead of importing the log. The services send them inside
their transaction, so the event is written (or rolled back) with the change.
"""

from django.dispatch import Signal

#: Sent by ``services.api_token_create`` with ``token`` and ``actor``.
api_token_created = Signal()
#: Sent by ``services.api_token_revoke`` with ``token`` and ``actor`` (only when it revokes).
api_token_revoked = Signal()
