"""Filter building blocks shared by every app's FilterSets (HTML lists and API lists)."""

import contextlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from core.dates import to_utc


class _IdOrObjectField(django_filters.fields.ModelChoiceField):
    """A model choice that treats an unknown numeric id as "matches nothing" instead of an
    error: filtering by a person or project that does not exist is an empty list, not a 400.
    """

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            try:
                pk = int(str(value).strip())
            except ValueError:
                raise error from None
            # Only ids a bigint column can hold; anything else stays a 400.
            if -(2**63) <= pk < 2**63:
                return self.queryset.model(pk=pk)
            raise


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter (a select in the HTML forms, an id in the API) that is lenient
    about ids of rows that do not exist."""

    field_class = _IdOrObjectField


# Years a date filter accepts: outside them, converting to UTC (or adding a week) can leave
# Python's date range, which would be a 500 instead of a 400.
FILTER_YEARS = (1900, 9998)


def _check_filter_year(value):
    if value is not None and not FILTER_YEARS[0] <= value.year <= FILTER_YEARS[1]:
        raise ValidationError(
            f"Use a year between {FILTER_YEARS[0]} and {FILTER_YEARS[1]}.", code="out_of_range"
        )
    return value


class _BoundedDateField(forms.DateField):
    def to_python(self, value):
        return _check_filter_year(super().to_python(value))


class _BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        # Check the year as written, before any conversion between time zones can overflow.
        if isinstance(value, str):
            # Not ISO 8601 (ValueError): the parent tries its formats and says "invalid".
            with contextlib.suppress(ValueError):
                _check_filter_year(parse_datetime(value.strip()))
        try:
            moment = _check_filter_year(super().to_python(value))
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        # In UTC: PostgreSQL refuses offsets of 16 hours or more (e.g. +19:09) as a 500.
        return None if moment is None else to_utc(moment)


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that answers a year outside 1900 to 9998 with a 400."""

    field_class = _BoundedDateField


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that answers a year outside 1900 to 9998 with a 400."""

    field_class = _BoundedIsoDateTimeField
