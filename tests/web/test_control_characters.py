"""A NUL (or another control character) anywhere in a request is refused with a clear 400,
never a 500: every URL pattern × every query parameter the views read × several personas."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import rankfile
from rankfile.api.members import MemberFilter
from rankfile.members.forms import DirectoryFilterForm
from rankfile.standing.forms import AsOfForm, PeriodForm

PERSONAS = ["admin", "secretary", "member", "outsider"]
SOURCE = Path(rankfile.__file__).parent


def query_parameters() -> list[str]:
    """Every query parameter a view reads: request.GET lookups in the source, the fields of
    the forms bound to request.GET, and the API's filters."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text()
        names.update(re.findall(r"GET(?:\.get|\.getlist)?[\(\[]\"(\w+)\"", text))
    for form in (DirectoryFilterForm, AsOfForm, PeriodForm):
        names.update(form.base_fields)
    names.update(MemberFilter.model_fields)
    return sorted(names)


def url_patterns(resolvers=None, prefix="") -> list[str]:
    """Every URL of the project with each path argument filled in (1, `east`, `x`)."""
    urls = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            urls.extend(url_patterns(entry.url_patterns, pattern))
        elif isinstance(entry, URLPattern):
            if pattern.startswith(("admin/", "^")) or "(?P" in pattern:
                continue
            url = re.sub(r"<int:\w+>", "1", pattern)
            url = re.sub(r"<slug:\w+>", "east", url)
            url = re.sub(r"<(?:str|path|uuid):?\w*>", "x", url)
            url = re.sub(r"\{\w+\}", "1", url)  # django-ninja's own syntax
            urls.append("/" + url.lstrip("^").rstrip("$"))
    return sorted(set(urls))


def test_the_sweep_finds_the_urls_and_parameters_of_the_issue():
    assert {"/record/", "/api/v1/members"} <= set(url_patterns())
    assert {"action", "q"} <= set(query_parameters())


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_url_answers_a_nul_in_any_query_parameter_with_a_server_error(client, people, persona):
    client.force_login(getattr(people, persona))
    failures = []
    for url in url_patterns():
        for name in query_parameters():
            for value in ("%00", "a%00", "2024-01-01%1B"):
                response = client.get(f"{url}?{name}={value}")
                if response.status_code != 400:
                    failures.append((url, name, value, response.status_code))
    assert failures == []


def test_the_refusal_names_the_parameter_and_the_character(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("audit_log") + "?action=%00")
    assert response.status_code == 400
    text = response.content.decode()
    assert "the parameter “action” contains NUL (U+0000)" in text


def test_the_api_refuses_in_json(client, people):
    client.force_login(people.admin)
    response = client.get("/api/v1/members?q=a%00")
    assert response.status_code == 400
    assert "the parameter “q” contains NUL (U+0000)" in response.json()["detail"]


def test_a_json_body_with_a_nul_is_refused(client, people):
    client.force_login(people.admin)
    response = client.post(
        f"/api/v1/members/{people.member.member.pk}/events",
        {"kind": "lapsed", "on": "2024-02-01", "reason": "late\u0000"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["detail"]


def test_a_form_field_with_a_nul_is_refused(client, people):
    client.force_login(people.admin)
    mia = people.member.member
    response = client.post(
        reverse("member_record_event", args=[mia.pk]),
        {"kind": "lapsed", "on": "2024-02-01", "reason": "x\x00y"},
    )
    assert response.status_code == 400
    assert "the parameter “reason” contains NUL" in response.content.decode()


def test_a_nul_in_the_address_itself_is_refused(client, people):
    client.force_login(people.admin)
    assert client.get("/members/" + quote("\x00") + "/").status_code == 400


def test_tabs_and_line_breaks_are_still_accepted(client, people):
    client.force_login(people.admin)
    assert client.get(reverse("directory") + "?q=Mia%09").status_code == 200
