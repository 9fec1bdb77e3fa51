"""Where webhooks may go: http(s) URLs on public addresses, checked when an endpoint is
registered and again at each send, against the address actually connected to.

Checking the name at registration is not enough: DNS may later answer an inside address
(rebinding). So a send resolves the host once, refuses if any answer is loopback, private,
link-local, multicast, reserved or unspecified, and connects to the checked address itself
(with the original host name for the ``Host`` header and TLS). ``WEBHOOK_ALLOW_PRIVATE_URLS``
(on with ``DEBUG``, and in tests) lifts the address rule, never the scheme rule.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = ("http", "https")


class UnsafeAddress(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook endpoint (scheme, host, address), or ``None``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in SCHEMES:
        return "Only http and https URLs can receive webhooks."
    if not parts.hostname:
        return "Enter a URL with a host name."
    if parts.username or parts.password:
        return "Leave credentials out of the URL; verify the signature instead."
    if port == 0:
        return "Enter a valid port."
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        return None  # no address rule to check, so no DNS lookup at registration
    try:
        resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    except UnsafeAddress as unsafe:
        return str(unsafe)
    except OSError:
        return f"The host name {parts.hostname} does not resolve."
    return None


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> str:
    """One address of ``host`` to connect to; :class:`UnsafeAddress` if any is refused."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OSError(f"{host} has no address")
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if _refused(address):
                raise UnsafeAddress(
                    f"{host} resolves to {address}, a loopback, private or link-local "
                    "address; webhooks go to public addresses only."
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, dict, bytes]:
    """POST ``body`` to ``url`` on a checked address; (status, headers, first 4 KB)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise UnsafeAddress("Only http and https URLs can receive webhooks.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(4096)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, excerpt
    finally:
        connection.close()
