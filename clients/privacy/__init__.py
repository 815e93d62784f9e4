"""The client's rights over their data: export and erasure (the audit trail itself is
`clients.audit`, written by every room)."""
