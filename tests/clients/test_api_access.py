import pytest

from tests.conftest import api_as

pytestmark = pytest.mark.django_db

OWN_ENDPOINTS = ["/api/v1/me/", "/api/v1/me/assignments/", "/api/v1/me/today/"]


# A fixed id: parallel workers must collect the same test names.
@pytest.mark.parametrize(
    "path", [*OWN_ENDPOINTS, "/api/v1/me/completions/3f2c8a4e-9b1d-4c6e-8f0a-2d5b7e9c1a43/"]
)
def test_anonymous_callers_get_401_in_the_json_error_shape(client, path):
    response = (
        api_as(None).get(path) if "completions" not in path else api_as(None).put(path, {}, format="json")
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_client_lists_only_their_own_assignments(bob, bob_assignment, dana_assignment, erin_assignment):
    listing = api_as(bob.user).get("/api/v1/me/assignments/").json()

    assert [a["id"] for a in listing["results"]] == [bob_assignment.pk]
    assert listing["count"] == 1


@pytest.mark.parametrize("suffix", ["", "handout.pdf"])
def test_another_clients_assignment_is_404_to_clients_and_practitioners(
    bob, alice, charlie, dana_assignment, erin_assignment, suffix
):
    for caller, assignment in [
        (bob.user, dana_assignment),
        (bob.user, erin_assignment),
        (charlie, dana_assignment),
        (alice, erin_assignment),
    ]:
        response = api_as(caller).get(f"/api/v1/me/assignments/{assignment.pk}/{suffix}")
        assert response.status_code == 404, (caller, assignment)


def test_client_downloads_their_own_handout_as_a_named_pdf(bob, bob_assignment):
    response = api_as(bob.user).get(f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")
    assert 'filename="' in response["Content-Disposition"]
    assert "bob-client.pdf" in response["Content-Disposition"]
