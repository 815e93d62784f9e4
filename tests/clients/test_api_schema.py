import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from knox.models import AuthToken
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.conftest import need

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_a_single_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/me/completions/batch/" in (tmp_path / "schema.yaml").read_text()


def test_every_endpoint_documents_its_errors_in_the_one_shape(client):
    """The one shape, but for the FHIR endpoints, whose errors are FHIR's OperationOutcome."""
    paths = client.get("/api/schema/?format=json").json()["paths"]
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            wanted = ["404", "429"]
            if operation.get("security") not in ([], [{}]) and "/auth/" not in path and "health" not in path:
                wanted.append("401")
            for code in wanted:
                schema = (
                    responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema", {})
                )
                shape = "FhirOperationOutcome" if path.endswith("/fhir/") else "Error"
                if schema.get("$ref") != f"#/components/schemas/{shape}":
                    missing.append(f"{method.upper()} {path} {code}")

    assert missing == []
    assert len(paths) >= 25


def test_only_a_check_off_conflict_documents_the_id_it_clashes_with(client):
    schema = client.get("/api/schema/?format=json").json()
    check_off = schema["paths"]["/api/v1/me/completions/{completion_id}/"]["put"]["responses"]["409"]
    delete = schema["paths"]["/api/v1/consultations/{id}/"]["delete"]["responses"]["409"]
    components = schema["components"]["schemas"]

    conflict = check_off["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert components[conflict]["properties"]["existing_id"] == {
        "type": "string",
        "format": "uuid",
        "description": "The stored object this request clashes with",
    }
    assert "existing_id" in components[conflict]["required"]
    assert delete["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "existing_id" not in components["Error"]["properties"]


def test_a_path_that_matches_nothing_under_api_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/42/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_path_that_matches_nothing_under_api_is_a_json_404_under_make_run_too(client, settings):
    settings.DEBUG = True

    response = client.get("/api/v1/no-such-thing/42/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_api_path_without_its_slash_still_redirects_to_it(client, settings):
    settings.DEBUG = True

    response = client.get("/api/v1/health")

    assert (response.status_code, response["Location"]) == (301, "/api/v1/health/")


def test_the_docs_page_serves_the_interactive_docs(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# --- the schema as third-party tools and generated clients take it ------------------------------

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
OPEN_TO_ANYONE = [
    "POST /api/v1/auth/token/",
    "POST /api/v1/auth/invitations/accept/",
    "POST /api/v1/auth/password-reset/",
    "GET /api/v1/health/",
]


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    return path


@pytest.fixture(scope="module")
def schema(schema_file):
    return json.loads(schema_file.read_text())


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_openapi_spec_validator_finds_the_schema_valid(schema):
    validate(schema)  # raises on the first fault


def test_every_operation_has_a_summary(schema):
    # A new endpoint fails here until its extend_schema(summary=...) says in a few words what it does.
    assert [name for name, operation in operations(schema) if not operation.get("summary")] == []


def test_operation_ids_are_unique_and_name_the_calls_clients_code_against(schema):
    ids = [operation["operationId"] for _, operation in operations(schema)]

    assert len(ids) == len(set(ids))
    # Generated clients name their functions after these: renaming one breaks their callers.
    assert {
        "v1_auth_token_create",
        "v1_me_retrieve",
        "v1_me_today_retrieve",
        "v1_me_completions_update",
        "v1_me_completions_destroy",
        "v1_me_completions_batch_create",
        "v1_me_adherence_retrieve",
        "v1_programs_list",
    } <= set(ids)


def test_sign_in_endpoints_ask_for_no_token_and_the_rest_for_the_token(schema):
    open_to_anyone = {name for name, operation in operations(schema) if operation.get("security") == []}
    token = {"tokenAuth": []}, {"bearerAuth": []}
    without_token = [
        name
        for name, operation in operations(schema)
        if name not in open_to_anyone and not all(scheme in operation["security"] for scheme in token)
    ]

    assert open_to_anyone == set(OPEN_TO_ANYONE)
    assert without_token == ["POST /api/v1/auth/token/session/"]  # the web session stands in for it


def test_the_token_scheme_says_its_token_prefix_and_the_bearer_one_is_http(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert "`Token <key>`" in schemes["tokenAuth"]["description"]
    assert (schemes["bearerAuth"]["type"], schemes["bearerAuth"]["scheme"]) == ("http", "bearer")


@pytest.mark.parametrize("prefix", ["Token", "Bearer", "bearer"])
def test_the_token_is_taken_with_either_prefix(bob, prefix):
    _, key = AuthToken.objects.create(bob.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{prefix} {key}")

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "bob@example.com"


@pytest.mark.parametrize("header", ["Basic Ym9iOnB3", "Bearer", "Bearer a b", "Bearer not-a-token"])
def test_anything_else_in_the_header_is_a_401_in_the_error_shape(bob, header):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)

    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"code", "message", "field", "errors"}


def test_request_bodies_ask_for_no_read_only_field(schema):
    components = schema["components"]["schemas"]
    bodies = {
        content["schema"]["$ref"].rsplit("/", 1)[1]
        for _, operation in operations(schema)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in content["schema"]
    }
    read_only = [
        f"{name}.{field}"
        for name in bodies
        for field, spec in components[name].get("properties", {}).items()
        if spec.get("readOnly")
    ]

    assert read_only == []
    assert set(components["CompletionRequest"]["properties"]).isdisjoint({"id", "created_at", "updated_at"})
    assert set(components["ConsultationRequest"]["properties"]).isdisjoint(
        {"id", "practitioner", "video_url"}
    )
    assert {"id", "created_at", "updated_at"} <= set(components["Completion"]["required"])


def untyped(node, where=""):
    """The schemas under `node` that say nothing of their type."""
    if isinstance(node, list):
        for n, value in enumerate(node):
            yield from untyped(value, f"{where}/{n}")
        return
    if not isinstance(node, dict):
        return
    kinds = {"type", "$ref", "allOf", "oneOf", "anyOf", "enum"}
    for key in ("items", "additionalProperties", "schema"):
        value = node.get(key)
        # `additionalProperties: {}` is a free-form object said so (e.g. a standard's document, typed elsewhere)
        if isinstance(value, dict) and not kinds & set(value) and (value or key != "additionalProperties"):
            yield f"{where}/{key}"
    for name, spec in (node.get("properties") or {}).items():
        if not kinds & set(spec):
            yield f"{where}/properties/{name}"
    for key, value in node.items():
        yield from untyped(value, f"{where}/{key}")


def test_every_field_has_a_type(schema):
    components = schema["components"]["schemas"]

    assert list(untyped(schema)) == []
    assert components["Exercise"]["properties"]["steps"]["items"] == {"type": "string"}
    for name in ["Assignment", "PracticeAssignment", "AssignmentCreateRequest"]:
        days = components[name]["properties"]["days_of_week"]
        assert days["items"] == {"type": "integer", "minimum": 0, "maximum": 6}
        assert (days["minItems"], days["maxItems"]) == (1, 7)
    assert components["QuestionnaireResponse"]["properties"]["answers"] == {
        "$ref": "#/components/schemas/QuestionnaireAnswers"
    }


def test_the_source_filter_of_programs_and_exercises_is_a_string_enum(schema):
    for path in ["/api/v1/programs/", "/api/v1/exercises/"]:
        (source,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "source"]
        assert source["schema"] == {"type": "string", "enum": ["library", "practice"]}


def test_redocly_recommended_rules_find_no_error_but_the_trailing_slashes_we_keep(schema_file):
    need("Redocly CLI", REDOCLY.exists(), f"{REDOCLY} is missing (run `npm ci`, or `make install`)")
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}

    run = subprocess.run(
        [
            REDOCLY,
            "lint",
            schema_file,
            "--config",
            ROOT / "redocly.yaml",
            "--format",
            "json",
            "--max-problems",
            "500",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )

    report = json.loads(run.stdout)
    problems = [f"{p['ruleId']}: {p['message']} {p['location'][0]['pointer']}" for p in report["problems"]]
    assert report["totals"]["errors"] == 0, problems
    assert run.returncode == 0
