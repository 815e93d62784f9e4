"""DRF plumbing every app shares: one error shape and pagination (kept free of views,
since DRF imports these while its own generic views are still loading)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Every API error as {"code", "message", "field", "errors": [{"field", "code", "message"}]}."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    if isinstance(exc, Conflict):
        error = {"field": exc.field, "code": "conflict", "message": exc.message}
        body = {**error, "errors": [error], "existing_id": str(exc.existing_id)}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None:
        errors = list(_flatten(response.data))
        response.data = {**errors[0], "errors": errors}
    return response


def _django_error_detail(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def _flatten(detail, field: str | None = None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "detail":
                yield from _flatten(value, field)
            else:
                name = None if key == "non_field_errors" else key
                yield from _flatten(value, f"{field}.{name}" if field and name else (name or field))
    elif isinstance(detail, list):
        for value in detail:
            yield from _flatten(value, field)
    else:
        code = getattr(detail, "code", None) or "error"
        message = f"{field}: {detail}" if field else str(detail)
        yield {"field": field, "code": code, "message": message}


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(FieldErrorSerializer):
    """The one shape of every API error; `field` and `message` repeat the first of `errors`."""

    errors = FieldErrorSerializer(many=True)
