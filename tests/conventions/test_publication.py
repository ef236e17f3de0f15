"""Publishing the apportionment: who sees it when, changes after publication, CSV and chart."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rankfile.audit.models import AuditEvent
from rankfile.conventions.actions import (
    do_compute_apportionment,
    do_publish_apportionment,
    do_update_convention,
)

PERSONAS = ["admin", "credentials", "secretary", "treasurer", "appeals", "member", "other"]
MANAGERS = {"admin", "credentials"}


def login(client, setting, persona):
    user = setting.credentials if persona == "credentials" else getattr(setting.people, persona)
    client.force_login(user)


@pytest.mark.parametrize("persona", PERSONAS)
def test_before_publication_only_the_committee_and_admins_see_the_numbers(client, setting, persona):
    do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    login(client, setting, persona)
    page = client.get(reverse("convention_apportionment", args=["ninth"]))
    assert page.status_code == 200
    text = page.content.decode()
    sees = persona in MANAGERS
    assert ("East Branch" in text) is sees
    assert ("Draft" in text) is sees
    assert ("has not published" in text) is not sees
    csv = client.get(reverse("convention_apportionment_csv", args=["ninth"]))
    assert csv.status_code == (200 if sees else 404)
    credentials = client.get(reverse("convention_credentials", args=["ninth"]))
    assert credentials.status_code == (200 if sees else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_after_publication_every_member_sees_the_table(client, setting, persona):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    login(client, setting, persona)
    text = client.get(reverse("convention_apportionment", args=["ninth"])).content.decode()
    assert "East Branch" in text
    assert "One per 10 members, rounded to nearest (halves up), at least 1" in text
    assert "Draft" not in text
    assert "West Branch: exactly half way" in text  # the rounding tie, named
    assert "1 member in good standing recorded in North Region" in text
    assert ("Compute again" in text) is (persona in MANAGERS)


def test_a_draft_newer_than_the_published_table_stays_hidden_from_members(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    do_update_convention(
        None, setting.convention, formula={"kind": "ratio", "per": 5, "at_least": 1}
    )
    do_compute_apportionment(
        setting.credentials, setting.convention, setting.snapshot, reason="Ratio corrected"
    )
    client.force_login(setting.people.member)
    text = client.get(reverse("convention_apportionment", args=["ninth"])).content.decode()
    assert "One per 10 members" in text
    assert "Ratio corrected" not in text


def test_publishing_is_on_the_record(setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    event = AuditEvent.objects.get(action="convention.publish")
    assert event.actor_label == "cora@example.org"
    assert event.payload == {"convention": "ninth", "number": 1, "replaces": None, "changes": []}
    with pytest.raises(ValidationError):
        do_publish_apportionment(setting.credentials, table)


def test_a_change_after_publication_needs_a_reason_and_shows_what_changed(client, setting):
    first = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, first)
    do_update_convention(
        setting.credentials,
        setting.convention,
        formula={"kind": "ratio", "per": 5, "rounding": "nearest", "at_least": 1},
    )
    with pytest.raises(ValidationError) as raised:
        do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    assert "reason" in raised.value.message_dict
    second = do_compute_apportionment(
        setting.credentials,
        setting.convention,
        setting.snapshot,
        reason="The convention adopted one delegate per 5 members",
    )
    do_publish_apportionment(setting.credentials, second)
    event = AuditEvent.objects.filter(action="convention.publish").order_by("-seq").first()
    assert event.reason == "The convention adopted one delegate per 5 members"
    assert event.payload["replaces"] == 1
    east = next(c for c in event.payload["changes"] if c["branch"] == "East Branch")
    assert (east["delegates_before"], east["delegates_after"]) == (3, 7)  # 33/5 = 6.6 → 7

    client.force_login(setting.people.member)
    text = client.get(reverse("convention_apportionment", args=["ninth"])).content.decode()
    assert "What changed since table no. 1" in text
    assert "The convention adopted one delegate per 5 members" in text
    changes = text.split("What changed since table no. 1")[1].split("Delegates per branch")[0]
    assert "East Branch" in changes and "West Branch" in changes
    assert "South Region" not in changes  # 5 members: one delegate either way


def test_the_page_refuses_a_recomputation_without_a_reason(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    client.force_login(setting.credentials)
    response = client.post(
        reverse("convention_compute", args=["ninth"]),
        {"snapshot": setting.snapshot.pk, "reason": "", "cutoff_note": ""},
    )
    assert response.status_code == 400
    assert "give the reason for the change" in response.content.decode()


def test_the_committee_computes_and_publishes_from_the_page(client, setting):
    client.force_login(setting.credentials)
    page = client.get(reverse("convention_apportionment", args=["ninth"]))
    assert page.context["compute_form"].initial["snapshot"] == setting.snapshot
    response = client.post(
        reverse("convention_compute", args=["ninth"]), {"snapshot": setting.snapshot.pk}
    )
    assert response.status_code == 302
    response = client.post(reverse("convention_publish", args=["ninth", 1]), {})
    assert response.status_code == 302
    assert setting.convention.tables.get().is_published


def test_a_member_cannot_compute_or_publish_from_the_page(client, setting):
    do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    client.force_login(setting.people.secretary)
    assert (
        client.post(
            reverse("convention_compute", args=["ninth"]), {"snapshot": setting.snapshot.pk}
        ).status_code
        == 403
    )
    assert client.post(reverse("convention_publish", args=["ninth", 1]), {}).status_code == 403


def test_the_csv_download_has_one_row_per_branch(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    client.force_login(setting.people.other)
    response = client.get(reverse("convention_apportionment_csv", args=["ninth"]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode() == (
        "name,members_in_good_standing,quota,delegates,alternates\n"
        "East Branch,33,3.3000,3,2\n"
        "South Region,5,0.5000,1,1\n"
        "West Branch,15,1.5000,2,1\n"
    )


def test_the_json_download_keeps_the_exact_result(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    client.force_login(setting.people.member)
    data = client.get(reverse("convention_apportionment_json", args=["ninth"])).json()
    assert data["result"]["units"][0]["quota"] == "33/10"
    assert data["snapshot"]["content_hash"] == setting.snapshot.content_hash
    assert data["alternates"] == {"East Branch": 2, "South Region": 1, "West Branch": 1}


def test_the_page_draws_an_accessible_chart_next_to_the_table(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    client.force_login(setting.people.member)
    text = client.get(reverse("convention_apportionment", args=["ninth"])).content.decode()
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="chart-1-title">Members in good standing and delegates' in svg
    assert "East Branch: 33 members, 3 delegates" in svg  # in <desc>
    assert svg.count("<rect") == 2 + 2 * 3  # legend + two bars per branch
    # East has the most members and the most delegates: both its bars are full length.
    assert svg.count('width="360"') == 2


def test_a_branch_named_like_a_formula_is_downloaded_as_text(client, setting):
    from rankfile.members.models import Branch

    Branch.objects.filter(pk=setting.people.east.pk).update(name="+1+cmd|' /C calc'!A0")
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    client.force_login(setting.people.other)
    response = client.get(reverse("convention_apportionment_csv", args=["ninth"]))
    assert "\n'+1+cmd|' /C calc'!A0,33,3.3000,3,2\n" in response.content.decode()


def test_a_member_finds_their_branch_and_the_members_per_delegate(client, setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    login(client, setting, "member")  # Mia, of East: 33 in good standing, 3 delegates at 1 per 10
    html = client.get(reverse("convention_apportionment", args=["ninth"])).content.decode()
    row = html[
        html.index('<tr class="mine">') : html.index("</tr>", html.index('<tr class="mine">'))
    ]
    assert "East Branch" in row and "your branch" in row
    assert 'data-label="Members per delegate" class="num">11</td>' in row
    assert html.count('class="mine"') == 1
