"""Filter building blocks shared by every app's FilterSets (HTML lists and API lists)."""

import contextlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from core.dates import to_utc

# Keys of a list's query string that choose a page, not what is listed.
PAGING_KEYS = frozenset({"page", "page_size"})


def filters_or_default(query, default):
    """A list's filter data: the query string when it sets any filter, else ``default`` (a
    list that opens on, say, the open requests). The page number is no filter: page 2 of
    the default list is still the default list, and its export is the same list."""
    if any(key not in PAGING_KEYS for key in query):
        return query
    return default


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
    # The schema says which ids are taken (those a bigint can hold); others are a 400.
    schema_hints = {"minimum": -(2**63), "maximum": 2**63 - 1}


class _IdField(forms.IntegerField):
    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and not -(2**63) <= number < 2**63:
            raise ValidationError("Enter an id a 64-bit integer can hold.", code="out_of_range")
        return number


class IdFilter(django_filters.NumberFilter):
    """An id of a row of another app (no queryset needed); an unknown id matches nothing."""

    field_class = _IdField
    schema_hints = {"type": "integer", "format": "int64", "minimum": -(2**63), "maximum": 2**63 - 1}


# Years a date filter accepts: outside them, converting to UTC (or adding a week) can leave
# Python's date range, which would be a 500 instead of a 400.
FILTER_YEARS = (1900, 9998)
# The same years as a pattern on the text, so the schema states the bound the server keeps.
_FILTER_YEAR_PATTERN = r"^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"


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
    schema_hints = {"pattern": _FILTER_YEAR_PATTERN}


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that answers a year outside 1900 to 9998 with a 400."""

    field_class = _BoundedIsoDateTimeField
    schema_hints = {"pattern": _FILTER_YEAR_PATTERN}


class _StrictBooleanField(forms.Field):
    """``true`` or ``false`` (any case), as the schema's boolean says; empty means any."""

    def to_python(self, value):
        text = (value or "").strip().lower() if isinstance(value, str) else value
        if text in (None, ""):
            return None
        if text in ("true", "false"):
            return text == "true"
        raise ValidationError("Enter true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that answers anything but ``true``/``false`` with a 400.

    django-filter's own takes ``1``, ``0`` and ignores other values, so ``?done=-58800``
    listed everything while the schema promised a boolean.
    """

    field_class = _StrictBooleanField


# Text without NUL (U+0000), as a JSON Schema pattern.
NO_NUL_PATTERN = "^[^\\u0000]*$"


def _takes_many(filter_field) -> bool:
    field_class = getattr(filter_field, "field_class", None)
    return isinstance(field_class, type) and issubclass(
        field_class, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
    )


class FilterSchema(DjangoFilterExtension):
    """The schema of filter parameters says what the filters above really accept.

    - An empty value means no filtering: HTML filter forms send every field, empty ones as
      ``?since=&owner=``, django-filter ignores them, and the API shares those FilterSets,
      so ``?since=`` lists everything there too (``allowEmptyValue``). Multiple-choice
      filters refuse an empty choice, so they are left as they are.
    - A filter's ``schema_hints`` (the id range of :class:`IdChoiceFilter`, the years of the
      date filters) are added to its parameter's schema.
    - Text may not hold NUL: Django's form fields refuse it with a 400, so free-text
      parameters carry a pattern saying so.

    Registered with drf-spectacular by being defined; it outranks the stock django-filter
    extension it extends.
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            if parameter.get("in") != "query":
                continue
            if not _takes_many(filter_field) and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            schema = {**parameter.get("schema", {}), **getattr(filter_field, "schema_hints", {})}
            if schema.get("type") == "string" and "enum" not in schema:
                schema.setdefault("pattern", NO_NUL_PATTERN)
            parameter["schema"] = schema
        return parameters
