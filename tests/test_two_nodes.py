"""Two web nodes (gunicorn) and two Celery workers on one PostgreSQL, Redis and object store, as
docs/operations.md runs N of each: whatever one node does, the other sees."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from clients.assignments.handouts import render_handout_batch
from clients.models import HandoutBatch
from tests.conftest import Bucket, free_port, need, on_postgres, wait_for

ROOT = Path(__file__).resolve().parent.parent
# On one parallel worker (`--dist loadgroup`): the nodes start once, not once on each worker.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("two_nodes")]


class Node:
    """A process of the production settings, on loopback; its output kept for a failure's message."""

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.log_path = log_path
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def two_nodes(django_db_setup, django_db_blocker, redis_url, s3_server, tmp_path_factory):
    """Two gunicorn nodes and two workers, started once for this module's tests."""
    with django_db_blocker.unblock():
        need("PostgreSQL", on_postgres(), "nodes in other processes share only a real database")
        db = connection.settings_dict
    bucket = Bucket(s3_server)
    tmp_path = tmp_path_factory.mktemp("two-nodes")
    env = {
        **os.environ,
        **bucket.env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"two-nodes-{uuid.uuid4().hex}",
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE + "-two-nodes",  # this test process's own
        "API_THROTTLE_SIGN_IN": "3/hour",
        "SECRET_KEY": "two-nodes-test-only",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    nodes = [
        Node(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env,
            tmp_path / f"web-{port}.log",
        )
        for port in ports
    ]
    nodes += [
        Node(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "-n",
                f"w{n}@%h",
                "-Q",
                env["CELERY_QUEUE"],
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            {**env, "LOG_LEVEL": "INFO"},
            tmp_path / f"worker-{n}.log",
        )
        for n in (1, 2)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, node in zip(urls, nodes, strict=False):
            if not wait_for(lambda url=url: status(f"{url}/api/v1/health/") == 200, timeout=60):
                pytest.fail(f"a web node did not start:\n{node.log()}")
        for node in nodes[2:]:
            if not wait_for(lambda node=node: "ready." in node.log(), timeout=60):
                pytest.fail(f"a worker did not start:\n{node.log()}")
        yield SimpleNamespace(urls=urls, bucket=bucket, queue=env["CELERY_QUEUE"])
    finally:
        for node in nodes:
            node.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, *, method="GET", token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(
            urllib.request.Request(url, data=data, method=method, headers=headers),  # noqa: S310 (loopback)
            timeout=60,
        ) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def status(url: str) -> int | None:
    try:
        return request(url)[0]
    except OSError:
        return None


def test_a_check_off_made_through_one_node_is_on_the_other(two_nodes, bob, bob_assignment):
    one, other = two_nodes.urls
    _, token = AuthToken.objects.create(bob.user)
    slot = json.loads(request(f"{other}/api/v1/me/today/", token=token)[2])["slots"][0]
    check_off = {
        "assignment_exercise": slot["assignment_exercise"],
        "date": str(timezone.localdate()),
        "session": slot["session"],
        "sets_done": 3,
        "reps_done": 10,
        "pain": 2,
        "difficulty": 3,
    }

    code, _, _ = request(
        f"{one}/api/v1/me/completions/{uuid.uuid4()}/", method="PUT", token=token, body=check_off
    )
    today = json.loads(request(f"{other}/api/v1/me/today/", token=token)[2])

    assert code in (200, 201)
    assert any(s["done"] for s in today["slots"] if s["assignment_exercise"] == slot["assignment_exercise"])


def test_a_handout_rendered_on_one_node_is_served_from_the_cache_by_the_other(two_nodes, bob, bob_assignment):
    one, other = two_nodes.urls
    _, token = AuthToken.objects.create(bob.user)
    url = f"/api/v1/me/assignments/{bob_assignment.pk}/handout.pdf"

    first = request(one + url, token=token)
    rendered = two_nodes.bucket.keys("private/handouts/")
    second = request(other + url, token=token)

    assert first[0] == second[0] == 302
    assert first[1]["Location"].split("?")[0] == second[1]["Location"].split("?")[0]
    assert two_nodes.bucket.keys("private/handouts/") == rendered  # not written again
    with urllib.request.urlopen(second[1]["Location"]) as pdf:  # noqa: S310 (the loopback S3 server)
        assert pdf.read().startswith(b"%PDF")


def test_handouts_a_worker_rendered_are_served_from_the_cache_by_both_web_nodes(
    two_nodes, alice, alice_practice, bob_assignment, dana_assignment
):
    batch = HandoutBatch.objects.create(
        practice=alice_practice,
        requested_by=alice,
        assignment_ids=[bob_assignment.pk, dana_assignment.pk],
        total=2,
    )
    render_handout_batch.apply_async((batch.pk,), queue=two_nodes.queue)
    assert wait_for(lambda: HandoutBatch.objects.get(pk=batch.pk).status == HandoutBatch.DONE, timeout=120)
    rendered = two_nodes.bucket.keys(f"private/handouts/{alice_practice.pk}/")
    _, token = AuthToken.objects.create(alice)

    answers = [
        request(f"{node}/api/v1/assignments/{assignment.pk}/handout.pdf", token=token)[0]
        for node in two_nodes.urls
        for assignment in (bob_assignment, dana_assignment)
    ]

    assert len(rendered) == 2
    assert answers == [302] * 4
    assert two_nodes.bucket.keys(f"private/handouts/{alice_practice.pk}/") == rendered


def test_the_sign_in_limit_counts_across_both_nodes(two_nodes, bob):
    one, other = two_nodes.urls
    guess = {"email": "bob@example.com", "password": "not-his-password"}

    refused = [
        request(f"{node}/api/v1/auth/token/", method="POST", body=guess)[0] for node in (one, other, one)
    ]
    fourth = request(f"{other}/api/v1/auth/token/", method="POST", body=guess)[0]

    assert refused == [401, 401, 401]
    assert fourth == 429
