"""Stable names for exported resources: the same row gets the same id in every export.

An id is a UUID (version 5) of the practice and the row's kind and primary key, under a fixed
namespace: it reveals neither, never changes while the row exists, and two practices' rows never
share one. It is the resource's `id` and, as `urn:uuid:...`, its `fullUrl` and identifier value.
"""

import uuid

# Every id ever exported derives from this: changing it renames every resource in every EHR that
# imported one. It is a seed, not an address (nothing is fetched from it).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rehabit.app/fhir")
# FHIR's system for an identifier whose value is itself a URI (here urn:uuid:...): it needs no
# address of ours, so it is the same for every deployment and never changes (docs/phone-and-api.md).
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"


def resource_id(practice_id: int, kind: str, pk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"practice/{practice_id}/{kind}/{pk}"))


def urn(practice_id: int, kind: str, pk) -> str:
    return f"urn:uuid:{resource_id(practice_id, kind, pk)}"


def reference(practice_id: int, kind: str, pk) -> dict:
    """A reference inside the Bundle: to the entry whose fullUrl is this urn."""
    return {"reference": urn(practice_id, kind, pk)}


def identifier(practice_id: int, kind: str, pk) -> list[dict]:
    return [{"system": IDENTIFIER_SYSTEM, "value": urn(practice_id, kind, pk)}]
