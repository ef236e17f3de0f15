"""The API object, its error handling and its routes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from rankfile.api.auth import AUTH

api = NinjaAPI(
    title="Rank and File API",
    version="1",
    description="Members, branches and the record of an organization. Authenticate with "
    "`Authorization: Bearer rf_…` (a token made on My account) or the browser session. "
    "Each call sees and may do exactly what its user may on the web pages.",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(
        request, {"detail": "The request was refused.", "errors": errors}, status=400
    )


from rankfile.api import appeals, members, polls, standing  # noqa: E402  (routes register on the api)

api.add_router("/", members.router)
api.add_router("/", appeals.router)
api.add_router("/", standing.router)
api.add_router("/", polls.router)
