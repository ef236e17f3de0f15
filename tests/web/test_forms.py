"""A refused form opens with a summary of what to correct, which takes the focus, and keeps
what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_form_opens_with_a_summary_that_takes_the_focus(client, people):
    client.force_login(people.secretary)
    mia = people.member.member
    url = reverse("member_record_event", args=[mia.pk])
    response = client.post(url, {"event-kind": "lapsed", "event-on": "2025-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert "autofocus" in html[start - 80 : start + 200]
    assert 'href="#id_event-reason"' in summary and "This field is required" in summary
    # The summary comes before the fields of the refused form, and what was typed is kept.
    assert start < html.index('name="event-reason"')
    assert '<option value="lapsed" selected>' in html
