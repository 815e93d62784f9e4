"""DRF plumbing every app shares: one error shape and pagination (kept free of views,
since DRF imports these while its own generic views are still loading)."""

import copy
import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, parsers, permissions, serializers, status, throttling
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .errors import Conflict
from .models import Membership


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# For a ModelSerializer on a hot path: its fields and validators are read from the model once per
# class, not on every instance (DRF rebuilds them each time, the larger part of a small request's
# validation); each instance still gets its own copies of the fields, as DRF's declared fields do.
# A comment, not a docstring: the schema would show a docstring as each serializer's description.
class FieldsBuiltOnce:
    def get_fields(self):
        return copy.deepcopy(self._once("_fields_built", super().get_fields))

    def get_validators(self):
        return list(self._once("_validators_built", super().get_validators))

    def _once(self, name: str, build):
        built = type(self).__dict__.get(name)
        if built is None:
            built = build()
            setattr(type(self), name, built)
        return built


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


MAX_JSON_DEPTH = 32  # far deeper than any request of the API; deeper is an attack, not data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser reads the whole stream whatever its size; this one stops at Django's limit,
    and answers a body nested past MAX_JSON_DEPTH (or past Python's recursion limit) with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is over {limit} bytes.")
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise PayloadTooLarge(f"The request body is over {limit} bytes.")
            stream = io.BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
        if _depth_over(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data


def _depth_over(data, limit: int) -> bool:
    """Whether lists and objects nest past `limit`; walked without recursion."""
    level = [data]
    for _ in range(limit + 1):
        level = [child for value in level for child in _children(value)]
        if not level:
            return False
    return True


def _children(value):
    if isinstance(value, dict):
        return value.values()
    return value if isinstance(value, list) else ()


class RateThrottle(throttling.SimpleRateThrottle):
    """Reads its rate when it runs, so a changed REST_FRAMEWORK setting (tests, env) applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(RateThrottle, throttling.AnonRateThrottle):
    scope = "anon"


class UserRateThrottle(RateThrottle, throttling.UserRateThrottle):
    scope = "user"


def error_response(exc) -> Response | None:
    """The error shape of an exception, also for one item of a batch; None if it is not an API error."""
    return exception_handler(exc, {})


def exception_handler(exc, context):
    """Every API error as {"code", "message", "field", "errors": [{"field", "code", "message"}]}."""
    # Imported here: DRF loads this module's parser while rest_framework.views is still loading.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    if isinstance(exc, Conflict):
        error = {"field": exc.field, "code": "conflict", "message": exc.message}
        body = {**error, "errors": [error]}
        if exc.existing_id is not None:  # only a clash with one stored object names it
            body["existing_id"] = str(exc.existing_id)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ProtectedError):
        # e.g. a client whose access log must be kept, an exercise used in a program
        error = {
            "field": None,
            "code": "protected",
            "message": "This cannot be deleted: other records still refer to it.",
        }
        return Response({**error, "errors": [error]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None:
        errors = list(_flatten(response.data))
        response.data = {**errors[0], "errors": errors}
    return response


def _django_error_detail(exc: DjangoValidationError):
    """The errors with their own codes ("invalid" where none was given)."""
    detail = get_error_detail(exc)
    return detail if isinstance(detail, dict) else {"non_field_errors": detail}


def _flatten(detail, field: str | None = None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "detail":
                yield from _flatten(value, field)
            else:
                name = None if key == "non_field_errors" else str(key)  # a list's first item is key 0
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


class ConflictSerializer(ErrorSerializer):
    """A 409 that clashes with one stored object: the error shape and that object's id."""

    existing_id = serializers.UUIDField(help_text="The stored object this request clashes with")


class IsPractitioner(permissions.IsAuthenticated):
    """Members of a practice only; anyone else is told there is nothing here (404, not 403)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if not Membership.objects.visible_to(request.user).exists():
            raise Http404
        return True
