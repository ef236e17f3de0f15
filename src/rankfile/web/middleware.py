"""Two checks on every request and response: control characters refused at the door, and the
Content-Security-Policy header.

Control characters are refused before any view or query sees them.

A NUL in a query string (``/record/?action=%00``) or a form field reached PostgreSQL, which
refuses NUL in text: a 500. Every path, query parameter, form field (names and values) and
JSON string of a request is checked here, once for every view and the API, and a request
holding a control character is answered 400 with the parameter named (JSON for the API).
Uploaded files are checked by the imports that read them, with line and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from rankfile.core.controls import describe, first_control_character

# A JSON body larger than this is not walked (the API takes small objects).
MAX_JSON_CHECKED = 1024 * 1024


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key)
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _parameters(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "the address", request.path
    for name, values in request.GET.lists():
        yield name, name
        for value in values:
            yield name, value
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for name, values in request.POST.lists():
            yield name, name
            for value in values:
                yield name, value
        for name, upload in request.FILES.items():
            yield name, upload.name or ""
    elif content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        if len(body) <= MAX_JSON_CHECKED:
            try:
                data = json.loads(body)
            except ValueError:
                return  # the view says the JSON is malformed
            yield from ((where or "the body", text) for where, text in _strings(data, ""))


class RefuseControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, text in _parameters(request):
            character = first_control_character(text)
            if character is not None:
                return self.refuse(request, name, character)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, name: str, character: str) -> HttpResponse:
        where = name if name == "the address" else f"the parameter “{name}”"
        message = (
            f"The request was refused: {where} contains {describe(character)}, a control "
            "character that no field may hold. Remove it and send the request again."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


# The Content-Security-Policy header on every response (Django 5.2 has none built in, and one
# fixed header is all this site needs: it has no inline script or style to allow).
class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
