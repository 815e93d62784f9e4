"""The OpenAPI schema (drf-spectacular), with every error response an endpoint can give."""

from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import OpenApiResponse

from practice.rest import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `field` names what to fix",
    "401": "Not signed in, or the token expired or was revoked",
    "403": "Not allowed: the shared library is read-only, or a signed-in session lacks its CSRF token",
    "404": "Not found among the objects you may see",
    "409": "Conflicts with what is stored",
    "413": "The request body is too large",
    "429": "Too many requests; retry after the Retry-After seconds",
}


class TokenScheme(KnoxTokenScheme):
    """The API's token (knox's, without its per-request housekeeping) is described as knox's."""

    target_class = "practice.tokens.TokenAuthentication"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses every endpoint can give, in the one shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["429"]
        writes = self.method in ("POST", "PUT", "PATCH")
        if self.method != "DELETE":
            codes.append("400")  # bad query parameters or body
        else:
            codes.append("409")  # other records still refer to it
        if writes:
            codes.append("413")
        if self.view.authentication_classes:
            codes += ["401", "404"]
            if self.method != "GET":
                codes.append("403")
        else:
            codes.append("404")  # any path under /api/ that matches nothing
        return codes
