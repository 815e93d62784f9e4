import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_a_single_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/me/completions/batch/" in (tmp_path / "schema.yaml").read_text()


def test_every_endpoint_documents_its_errors_in_the_one_shape(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    missing = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            wanted = ["404", "429"]
            if operation.get("security") != [{}] and "/auth/" not in path and "health" not in path:
                wanted.append("401")
            for code in wanted:
                schema = (
                    responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema", {})
                )
                if schema.get("$ref") != "#/components/schemas/Error":
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
