"""The audit trail of a client's health data: every read or change leaves an AuditEvent."""

from django.conf import settings

from .models import AuditEvent, Client


def audit_record(
    *,
    actor,
    client: Client,
    action: str,
    obj=None,
    request=None,
    ip: str | None = None,
    object_type: str = "",
) -> AuditEvent:
    """Record an event; the address is the request's, or `ip` where there is no request at hand.
    `object_type` names what was read where there is no row (an export's format)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        client=client,
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request) if request is not None else ip,
    )


def audit_record_many(
    *, actor, client_ids, action: str, obj=None, request=None, object_type: str = ""
) -> None:
    """The same event about many clients, in one INSERT."""
    ip = client_ip(request) if request is not None else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            client_id=client_id,
            action=action,
            object_type=object_type or (type(obj).__name__ if obj is not None else ""),
            object_id=str(obj.pk) if obj is not None else "",
            ip=ip,
        )
        for client_id in client_ids
    )


def client_ip(request) -> str | None:
    """The caller's address; behind NUM_PROXIES proxies, the one the nearest proxy saw."""
    proxies = getattr(settings, "NUM_PROXIES", 0)
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
