"""Query filters of the practitioner API (django-filter).

Ids are plain numbers, not model choices: a choice field would check the id against every
row and so tell an outsider which ids exist. The querysets filtered are already scoped.
"""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q

from ..models import Assignment, Client, Consultation


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number a database column can hold, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def get_max_validator(self):
        return MaxValueValidator(2**63 - 1)


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, where NullBooleanField quietly ignores it."""

    WORDS = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.WORDS[str(value).lower()]
        except KeyError:
            raise ValidationError("Choose true or false.", code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Words in the name or email")
    has_account = StrictBooleanFilter(field_name="user", lookup_expr="isnull", exclude=True)
    practice = IdFilter()
    practitioner = IdFilter()

    class Meta:
        model = Client
        fields = ["q", "has_account", "practice", "practitioner"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value))


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    """Compared in UTC: an offset like -17:21 parses in Python but PostgreSQL refuses it."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise ValidationError({self.field_name: "This date is out of range."}) from None
        return super().filter(qs, value)


class ConsultationFilter(django_filters.FilterSet):
    scheduled_after = UTCDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = UTCDateTimeFilter(field_name="scheduled_at", lookup_expr="lt")
    client = IdFilter()

    class Meta:
        model = Consultation
        fields = ["client", "status", "scheduled_after", "scheduled_before"]


class AssignmentFilter(django_filters.FilterSet):
    client = IdFilter()

    class Meta:
        model = Assignment
        fields = ["client", "status"]
