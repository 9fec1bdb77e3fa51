"""Signals of the accounts app: events announced to the apps below accounts.

The activity log records ``api_token_created``, ``api_token_revoked`` and
``profile_updated``: accounts sits above
activity, so it announces them instead of importing the log. The services send them inside
their transaction, so the event is written (or rolled back) with the change.
"""

from django.dispatch import Signal

#: Sent by ``services.api_token_create`` with ``token`` and ``actor``.
api_token_created = Signal()
#: Sent by ``services.api_token_revoke`` with ``token`` and ``actor`` (only when it revokes).
api_token_revoked = Signal()
#: Sent by ``services.profile_update`` with ``profile``, ``actor`` and ``changes``
#: (``{field: [old, new]}``), only when something changed.
profile_updated = Signal()
