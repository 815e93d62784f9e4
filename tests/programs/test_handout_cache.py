"""The handout cache lives in the shared storage, by practice and client: served without reading the
PDF through Python, evicted by age and size, and gone with the client on erasure."""

import os
import re
import time
import urllib.request
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

import programs.handouts
from clients.assignments.handouts import assignment_handout
from clients.privacy.rights import client_erase
from programs.files import PRIVATE, stored_files
from programs.handouts import handout_cache_evict
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(params=["disk", "object storage"])
def storage(request):
    """Each test runs on the file system (make run) and on S3-compatible storage (compose)."""
    if request.param == "object storage":
        request.getfixturevalue("object_storage")
    return request.param


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = programs.handouts.write_pdf
    monkeypatch.setattr(programs.handouts, "write_pdf", lambda html: calls.append(html) or real(html))
    return calls


def cached_names() -> list[str]:
    return sorted(name for name, _, _ in stored_files(PRIVATE, "handouts"))


def test_a_clients_handouts_are_cached_under_their_practice_and_client(storage, bob, bob_assignment):
    assignment_handout(bob_assignment)

    (name,) = cached_names()
    assert re.fullmatch(rf"handouts/{bob.practice_id}/{bob.pk}/[0-9a-f]{{64}}\.pdf", name)


def test_a_cached_download_from_disk_is_a_file_the_server_sends(bob, bob_assignment, renders):
    url = f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf"
    api_as(bob.user).get(url)

    response = api_as(bob.user).get(url)

    assert response.status_code == 200 and response.streaming
    assert response.getvalue().startswith(b"%PDF")
    assert len(renders) == 1


def test_behind_nginx_a_cached_download_is_an_empty_answer_naming_the_file_for_nginx_to_send(
    settings, bob, bob_assignment, renders
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    url = f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf"
    api_as(bob.user).get(url)

    response = api_as(bob.user).get(url)

    assert response.status_code == 200 and response.content == b""
    (name,) = cached_names()
    assert response["X-Accel-Redirect"] == f"/_private/{name}"
    assert (settings.PRIVATE_MEDIA_ROOT / name).read_bytes().startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    assert len(renders) == 1


def test_behind_nginx_an_outsider_is_named_no_file(settings, charlie, bob_assignment):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    assignment_handout(bob_assignment)

    response = api_as(charlie).get(f"/api/v1/assignments/{bob_assignment.pk}/handout.pdf")

    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_on_object_storage_a_download_redirects_to_a_signed_link_of_the_cached_pdf(
    bob, bob_assignment, renders, object_storage
):
    url = f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf"
    api_as(bob.user).get(url)

    response = api_as(bob.user).get(url)

    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(object_storage.env["S3_ENDPOINT_URL"]) and "X-Amz-Signature=" in link
    with urllib.request.urlopen(link) as answer:  # noqa: S310 (the loopback S3 server)
        assert answer.read().startswith(b"%PDF")
        assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
        assert answer.headers["Content-Type"] == "application/pdf"
    assert len(renders) == 1


def test_an_outsider_gets_no_link_to_a_cached_handout(charlie, bob_assignment, object_storage):
    assignment_handout(bob_assignment)

    response = api_as(charlie).get(f"/api/v1/assignments/{bob_assignment.pk}/handout.pdf")

    assert response.status_code == 404


def test_erasing_a_client_deletes_their_cached_handouts_and_no_one_elses(
    storage, alice, bob, bob_assignment, dana_assignment
):
    assignment_handout(bob_assignment)
    assignment_handout(dana_assignment)

    client_erase(client=bob, by=alice)

    (left,) = cached_names()
    assert left.startswith(f"handouts/{dana_assignment.client.practice_id}/{dana_assignment.client_id}/")


def test_eviction_drops_handouts_past_the_age_then_the_oldest_until_under_the_size(settings):
    now = time.time()
    ages_in_days = {"a/1/old.pdf": 40, "a/1/older-than-b.pdf": 3, "a/2/b.pdf": 2, "b/3/new.pdf": 0}
    for name, days in ages_in_days.items():
        stored = PRIVATE.save(f"handouts/{name}", ContentFile(b"x" * 100))
        os.utime(PRIVATE.path(stored), (now - days * 86400, now - days * 86400))

    evicted = handout_cache_evict(max_bytes=250, max_age=timedelta(days=30), now=timezone.now())

    assert evicted == 2
    assert cached_names() == ["handouts/a/2/b.pdf", "handouts/b/3/new.pdf"]


def test_on_object_storage_eviction_keeps_the_cache_under_its_size(object_storage):
    for number in range(4):
        PRIVATE.save(f"handouts/a/1/{number}.pdf", ContentFile(b"x" * 100))

    handout_cache_evict(max_bytes=250, max_age=timedelta(days=30), now=timezone.now())

    assert len(cached_names()) == 2


def test_eviction_runs_every_hour_from_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["evict-handouts"]["task"] == "programs.tasks.evict_handouts"
