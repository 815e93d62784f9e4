"""The OpenAPI schema (drf-spectacular), with every error response an endpoint can give."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

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


KEY_SOURCE = "The key that `POST /api/v1/auth/token/` (or an accepted invitation) answers with"


class TokenScheme(OpenApiAuthenticationExtension):
    """The API token, declared as the two headers it is accepted in: `Token <key>`, the prefix phone
    apps code against, and `Bearer <key>`, which OpenAPI tools and generated clients send."""

    target_class = "practice.auth.TokenAuthentication"
    name = ["tokenAuth", "bearerAuth"]
    priority = 1  # over drf-spectacular's knox scheme, which declares only a generic API key

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": f"{KEY_SOURCE}, with its prefix: the header's value is `Token <key>`.",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "description": f"{KEY_SOURCE}, as `Authorization: Bearer <key>`: the same key as tokenAuth.",
            },
        ]

    def get_security_requirement(self, auto_schema):
        return [{"tokenAuth": []}, {"bearerAuth": []}]


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses every endpoint can give, in the one shape,
    and `security: []` on the operations anyone may call (sign-in, invitations, password reset,
    health): drf-spectacular's `[{}]` makes generated clients demand a token for them."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and self._open_to_anyone():
            operation["security"] = []
        return operation

    def _open_to_anyone(self) -> bool:
        return any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())

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


def tidy(result, generator, request, public):
    """A postprocessing hook, after drf-spectacular's enum one: what its output lacks for linters
    (Redocly's recommended rules) and generated clients."""
    schemas = result.get("components", {}).get("schemas", {})
    for node in _nodes(result):
        _type_nullable_composition(node, schemas)
    used = _reachable(result, schemas)
    for name in [name for name in schemas if name not in used]:
        del schemas[name]  # e.g. the response twin of a write-only nested serializer
    return result


def _type_nullable_composition(node: dict, schemas: dict) -> None:
    """`nullable` only counts beside a `type` (OpenAPI 3.0.3): give a nullable allOf/oneOf the type
    its members share, e.g. a nullable enum's `string`."""
    members = node.get("allOf") or node.get("oneOf") or node.get("anyOf")
    if not node.get("nullable") or "type" in node or not members:
        return
    types = set()
    for member in members:
        target = schemas.get(member.get("$ref", "").rsplit("/", 1)[-1], member)
        if target.get("enum") != [None]:  # drf-spectacular's NullEnum
            types.add(target.get("type"))
    if len(types) == 1 and None not in types:
        node["type"] = types.pop()


def _reachable(result: dict, schemas: dict) -> set[str]:
    """The component schemas named from the paths (and other components), directly or not."""
    outside = {key: value for key, value in result.items() if key != "components"}
    outside["other"] = {key: value for key, value in result.get("components", {}).items() if key != "schemas"}
    seen, todo = set(), _refs(outside)
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo |= _refs(schemas[name])
    return seen


def _refs(tree) -> set[str]:
    prefix = "#/components/schemas/"
    return {node["$ref"][len(prefix) :] for node in _nodes(tree) if node.get("$ref", "").startswith(prefix)}


def _nodes(tree):
    """Every dict in a JSON tree, without recursion."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
