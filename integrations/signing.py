"""Standard Webhooks signatures (https://www.standardwebhooks.com), signed here with hmac.

A secret is ``whsec_`` followed by base64 of 32 random bytes; the signature of a message is
``v1,`` + base64(HMAC-SHA256(secret bytes, f"{id}.{timestamp}.{body}")). Several signatures
(during a secret rotation) are separated by spaces in one ``webhook-signature`` header.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def secret_generate() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64>`` for one secret."""
    content = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: list[str], message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header: one signature per current secret."""
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_ if secret)
