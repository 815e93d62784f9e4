"""A bounded schemathesis run in-process: generated requests never get a 5xx or an off-schema answer.

A longer run against a live server (docs/phone-and-api.md, "Schema and fuzzing") found what this keeps fixed.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from config.wsgi import application

pytestmark = pytest.mark.django_db


# The operations are split into this many shards, each a test of its own, so that parallel
# workers share them; within a shard each operation is a subtest ("GET /api/v1/me/").
SHARDS = 8


@pytest.fixture(scope="session")
def whole_api_schema(django_db_blocker) -> dict:
    """Read when a fuzz test runs, not when it is collected: each parallel worker collects every test."""
    with django_db_blocker.unblock():  # the request's end checks the connection
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).raw_schema


@pytest.fixture
def api_schema(whole_api_schema, shard):
    """The shard's paths (every SHARDS-th, in order), with the components they refer to."""
    paths = sorted(whole_api_schema["paths"])[shard::SHARDS]
    loaded = schemathesis.openapi.from_dict(
        {**whole_api_schema, "paths": {path: whole_api_schema["paths"][path] for path in paths}}
    )
    loaded.app = application
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def node_id_as_schemathesis_reads_it(request):
    """schemathesis 4.32's lazy schema reads the test's id as `Node._nodeid`, which pytest 9.2 renamed."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the app must not close the connection the test runs in."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(alice, bob, bob_assignment, dana_assignment, erin_assignment):
    return {
        "practitioner": AuthToken.objects.create(alice)[1],
        "client": AuthToken.objects.create(bob.user)[1],
    }


# Handouts render PDFs (seconds each) and have their own tests; logout would revoke the token.
@pytest.mark.parametrize("shard", range(SHARDS))
@schema.exclude(path_regex="logout|handout").parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1")),
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_break_the_server_or_the_schema(case, tokens):
    role = "client" if case.path.startswith("/api/v1/me/") else "practitioner"
    case.call_and_validate(
        headers={"Authorization": f"Token {tokens[role]}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
