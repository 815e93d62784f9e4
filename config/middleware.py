"""Middleware of our own: small and few."""

from practice import api


def api_errors_as_json(get_response):
    """Under /api/, a 404 is JSON in the one error shape even with DEBUG on.

    Production answers through `handler404` already; DEBUG bypasses it for Django's HTML page,
    which a phone app under `make run` cannot read.
    """

    def middleware(request):
        response = get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 404 and html and request.path.startswith("/api/"):
            return api.not_found(request)
        return response

    return middleware
