"""Page-number pagination with a client-chosen page size, capped; bad values are refused.

DRF quietly ignores a ``page_size`` it cannot read and treats an empty ``page`` as the
first, so ``?page_size=null`` answered a full page although the schema says "integer". Here
both parameters are whole numbers of at least 1, as documented: any other ``page_size`` is a
400 with its message, any other ``page`` the 404 of a page that does not exist, as is a page
past the last one (every list documents both).
"""

import re

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

_WHOLE_NUMBER = re.compile(r"[0-9]+")


def _whole_number(request, name: str) -> int | None:
    """The query parameter ``name`` if it is a whole number of at least 1; ``None`` when
    absent; ``0`` when it is anything else."""
    if name not in request.query_params:
        return None
    raw = request.query_params[name]
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else 0


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    # Only numbers: the schema says so (DRF would also take "last").
    last_page_strings = ()

    def get_page_size(self, request) -> int:
        size = _whole_number(request, self.page_size_query_param)
        if size is None:
            return self.page_size
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: ["Enter a whole number of at least 1."]}
            )
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator) -> int:
        number = _whole_number(request, self.page_query_param)
        if number is None:
            return 1
        if number < 1:
            raise NotFound(self.invalid_page_message)
        return number

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1 (default); any other value, or a page "
                "past the last one, is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}); "
                f"more than {self.max_page_size} gives {self.max_page_size}; "
                "anything but a whole number of at least 1 is a 400.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
