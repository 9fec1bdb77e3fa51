"""Serializer building blocks every app's API uses."""

from rest_framework import serializers

from core.services import nul_message

# DRF is lenient about JSON types: a CharField takes 7 and stores "7", a FloatField takes
# "0.5" and false, an IntegerField "3". The schema promises the types, so input serializers
# check them first, with one message per kind, before DRF converts anything.
_EXPECTED: list[tuple[type, tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "Enter true or false."),
    (serializers.FloatField, (int, float), "Enter a number."),
    (serializers.IntegerField, (int,), "Enter a whole number."),
    (serializers.PrimaryKeyRelatedField, (int,), "Enter the id (an integer)."),
    (serializers.CharField, (str,), "Enter text."),
    (serializers.ChoiceField, (str,), "Enter one of the choices (text)."),
    (serializers.DateTimeField, (str,), "Enter an ISO 8601 date and time (text)."),
    (serializers.SlugRelatedField, (str,), "Enter the slug (text)."),
    (serializers.ListSerializer, (list,), "Enter a list."),
    (serializers.ListField, (list,), "Enter a list."),
    (serializers.Serializer, (dict,), "Enter an object."),
]


def _type_problem(field: serializers.Field, value) -> str:
    """Why ``value`` cannot be ``field``'s input, or ``""``. Text may not hold NUL (the
    services' rule, here also for slugs, which are looked up before any service runs)."""
    if isinstance(value, str) and (message := nul_message(value)):
        return message
    # Lists: the list itself, then each item against the child field (``tags: [0]``).
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        if not isinstance(value, list):
            return "Enter a list."
        child = getattr(field, "child_relation", None) or getattr(field, "child", None)
        if child is not None:
            for item in value:
                if item is not None and (problem := _type_problem(child, item)):
                    return problem
        return ""
    for kind, types, message in _EXPECTED:
        if isinstance(field, kind):
            if isinstance(value, bool) and bool not in types:
                return message
            return "" if isinstance(value, types) else message
    return ""


class StrictInput(serializers.Serializer):
    """An input serializer that refuses values of the wrong JSON type (see ``_EXPECTED``)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: [problem]
                for name, field in self.fields.items()
                if not field.read_only
                and data.get(name) is not None
                and (problem := _type_problem(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictModelInput(StrictInput, serializers.ModelSerializer):
    """A ModelSerializer used for input, with the same type checks."""
