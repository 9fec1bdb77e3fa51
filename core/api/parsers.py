"""The API's one request parser: JSON, bounded in size and depth.

The API takes JSON only (the CSV upload has its own multipart endpoint), so a generated
client never meets a form body the server would then refuse, and undecodable form data can
never be stored. A body larger than ``API_MAX_BODY_BYTES`` is a 413 with a JSON message; JSON
nested deeper than :data:`MAX_DEPTH` (or so deep the decoder itself gives up) is a 400.
"""

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, parsers, renderers, status

# Deeper than any payload of ours (a bulk reading list is 2 levels; a promotion with tasks 3).
MAX_DEPTH = 32


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, limit: int):
        megabytes = limit / 1_000_000
        super().__init__(
            f"The request body is larger than {megabytes:g} MB; send it in smaller batches."
        )


def _depth(value) -> int:
    """How deeply ``value`` nests lists and objects, measured without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            items = item.values()
        elif isinstance(item, list):
            items = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in items)
    return deepest


def read_limited(stream, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; more is :class:`PayloadTooLarge`."""
    if stream is None:
        return b""
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge(limit)
    return body


class JSONParser(parsers.BaseParser):
    """JSON with a size limit, a depth limit and readable errors.

    Not a subclass of DRF's JSONParser on purpose: for those DRF reads ``request.body``,
    which Django caps at ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB, meant for forms) with an
    HTML 400; this parser reads the stream itself, up to ``API_MAX_BODY_BYTES``.
    """

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = settings.API_MAX_BODY_BYTES
        request = parser_context.get("request")
        if request is not None:
            declared = request.META.get("CONTENT_LENGTH") or "0"
            if declared.isdigit() and int(declared) > limit:
                raise PayloadTooLarge(limit)
        body = read_limited(stream, limit)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(body, encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(f"The body is not valid {encoding} text.") from None
        try:
            data = json.loads(text, parse_constant=self._refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(
                f"JSON nested more than {MAX_DEPTH} levels deep is not accepted."
            ) from None
        except ValueError as error:
            raise exceptions.ParseError(f"JSON parse error: {error}") from None
        if _depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(
                f"JSON nested more than {MAX_DEPTH} levels deep is not accepted."
            )
        return data

    @staticmethod
    def _refuse_constant(name: str):
        raise ValueError(f"{name} is not a JSON number")
