"""One place that turns domain errors into API responses.

Services raise Django's ``ValidationError`` and ``PermissionDenied``; here they become a
400 with field messages and a 403, so no view has to translate them.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import Conflict


class ConflictResponse(exceptions.APIException):
    """The 409 answer to :class:`core.exceptions.Conflict` (a write that lost a race)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this at the same time; reload and try again."
    default_code = "conflict"


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    """Field messages as DRF shapes them: ``{"field": ["message", ...]}``."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Conflict):
        exc = ConflictResponse(str(exc) or None)
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """The shape of an error response, for the OpenAPI schema."""

    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """A 400: field names (or ``non_field_errors``) mapped to lists of messages."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
