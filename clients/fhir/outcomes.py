"""Errors of the FHIR endpoints as FHIR servers answer them: an OperationOutcome, not the API's
error shape, so an EHR's client library reads the failure as it reads any FHIR server's.

The issue `code` follows the HTTP status (FHIR's IssueType: `login` for 401, `forbidden` for 403,
`not-found` for 404, `throttled` for 429, `exception` for a failure of ours); `diagnostics` is the
message the rest of the API gives, and `expression` names the field where there is one.
"""

ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    413: "too-long",
    415: "not-supported",
    429: "throttled",
}


def issue_code(status: int) -> str:
    return ISSUE_CODES.get(status, "exception" if status >= 500 else "processing")


def operation_outcome(status: int, errors: list[dict]) -> dict:
    """The API's errors ({"field", "code", "message"}) as the issues of one OperationOutcome."""
    issues = []
    for error in errors:
        issue = {"severity": "error", "code": issue_code(status), "diagnostics": error["message"]}
        if error.get("field"):
            issue["expression"] = [error["field"]]
        issues.append(issue)
    return {"resourceType": "OperationOutcome", "issue": issues}
