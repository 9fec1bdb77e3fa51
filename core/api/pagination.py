"""Page-number pagination with a client-chosen page size, capped; bad values are a 400.

DRF quietly ignores a ``page_size`` it cannot read and treats an empty ``page`` as the
first, so ``?page_size=null`` answered a full page although the schema says "integer". Here
both parameters are whole numbers of at least 1, as documented; anything else is a 400 with
the parameter's message. A page past the last one is a 404 (documented on every list).
"""

import re

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

_WHOLE_NUMBER = re.compile(r"[0-9]+")


def _whole_number(request, name: str) -> int | None:
    """The query parameter ``name`` as an integer of at least 1, ``None`` when absent."""
    if name not in request.query_params:
        return None
    raw = request.query_params[name]
    if not _WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise ValidationError({name: ["Enter a whole number of at least 1."]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    # Only numbers: the schema says so (DRF would also take "last").
    last_page_strings = ()

    def get_page_size(self, request) -> int:
        size = _whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator) -> int:
        return _whole_number(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1 (default); past the last page is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}); "
                f"more than {self.max_page_size} gives {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
