"""Creating and changing a convention from the page: bad input comes back as form errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rankfile.audit.models import AuditEvent
from rankfile.conventions.models import Convention

GOOD = {
    "name": "Tenth Convention",
    "slug": "tenth",
    "opens_on": "2027-05-01",
    "closes_on": "2027-05-03",
    "cutoff_on": "2027-03-31",
    "discussion_opens_on": "2027-03-01",
    "discussion_closes_on": "2027-04-25",
    "kind": "ratio",
    "per": "75",
    "rounding": "nearest",
    "at_least": "1",
    "formula_source": "Constitution, article 7",
    "alternates_per": "10",
    "alternates_rounding": "up",
    "alternates_at_least": "1",
}


def test_the_committee_creates_a_convention_with_its_formula(client, setting):
    client.force_login(setting.credentials)
    response = client.post(reverse("convention_new"), GOOD)
    assert response.status_code == 302
    convention = Convention.objects.get(slug="tenth")
    assert convention.formula == {
        "kind": "ratio",
        "per": 75,
        "rounding": "nearest",
        "first": None,
        "at_least": 1,
        "at_most": None,
    }
    page = client.get(convention.get_absolute_url()).content.decode()
    assert "One per 75 members, rounded to nearest (halves up), at least 1" in page
    assert "One alternate per 10 delegates (or part thereof), at least 1" in page
    assert AuditEvent.objects.filter(
        action="convention.create", target_id=str(convention.pk)
    ).exists()


def test_a_fixed_house_with_lots_records_the_seed(client, setting):
    client.force_login(setting.credentials)
    data = GOOD | {
        "kind": "house",
        "seats": "120",
        "method": "webster",
        "minimum": "1",
        "tie_break": "lot",
        "seed": "1917",
    }
    assert client.post(reverse("convention_new"), data).status_code == 302
    formula = Convention.objects.get(slug="tenth").formula
    assert formula["method"] == "webster" and formula["seed"] == 1917
    page = client.get(reverse("convention", args=["tenth"])).content.decode()
    assert "120 delegates shared by Webster / Sainte-Laguë, at least 1" in page
    assert "ties settled by lot (seed 1917)" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"per": "0"}, "per", "greater than or equal to 1"),
        ({"per": "abc"}, "per", "Enter a whole number"),
        ({"per": ""}, "per", "how many members give one delegate"),
        ({"at_least": "-1"}, "at_least", "greater than or equal to 0"),
        ({"at_least": "3", "at_most": "2"}, None, "below &#x27;at least&#x27;"),
        ({"rounding": "sideways"}, "rounding", "Select a valid choice"),
        ({"kind": "house", "seats": ""}, "seats", "how many delegates"),
        ({"kind": "house", "seats": "50", "method": "borda"}, "method", "valid choice"),
        ({"kind": "house", "seats": "50", "method": "adams", "tie_break": "lot"}, "seed", "seed"),
        (
            {"kind": "house", "seats": "5", "method": "adams", "minimum": "3", "maximum": "2"},
            None,
            "below the minimum",
        ),
        ({"kind": "magic"}, "kind", "valid choice"),
        ({"alternates_per": "0"}, "alternates_per", "greater than or equal to 1"),
        ({"closes_on": "2027-04-01"}, "closes_on", "cannot close before it opens"),
        ({"cutoff_on": "2027-06-01"}, "cutoff_on", "on or before the opening day"),
        ({"discussion_closes_on": ""}, "discussion_closes_on", "both dates"),
        ({"opens_on": "not a date"}, "opens_on", "Enter a valid date"),
    ],
)
def test_bad_input_is_refused_on_the_form_not_with_a_500(client, setting, change, field, message):
    client.force_login(setting.credentials)
    response = client.post(reverse("convention_new"), GOOD | change)
    assert response.status_code == 400
    form = response.context["form"]
    errors = " ".join(form.errors.get(field or "__all__", []))
    assert message.replace("&#x27;", "'") in errors
    assert message in response.content.decode()
    assert not Convention.objects.filter(slug="tenth").exists()


def test_a_taken_slug_is_an_error_on_its_field(client, setting):
    client.force_login(setting.credentials)
    response = client.post(reverse("convention_new"), GOOD | {"slug": "ninth"})
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["slug"])


def test_changing_the_formula_is_on_the_record(client, setting):
    client.force_login(setting.people.admin)
    page = client.get(reverse("convention_edit", args=["ninth"]))
    assert page.context["form"].initial["per"] == 10
    data = GOOD | {
        "name": "Ninth Convention",
        "slug": "ninth",
        "per": "12",
        "opens_on": "2026-11-20",
        "closes_on": "2026-11-22",
        "cutoff_on": "2026-09-30",
    }
    assert client.post(reverse("convention_edit", args=["ninth"]), data).status_code == 302
    event = AuditEvent.objects.get(action="convention.update")
    assert event.payload["changed"]["formula"]["to"]["per"] == 12


@pytest.mark.parametrize("persona", ["secretary", "treasurer", "member", "outsider"])
def test_only_the_committee_and_admins_create_or_change_conventions(client, setting, persona):
    client.force_login(getattr(setting.people, persona))
    assert client.get(reverse("convention_new")).status_code == 403
    assert client.post(reverse("convention_new"), GOOD).status_code == 403
    assert client.get(reverse("convention_edit", args=["ninth"])).status_code == 403


@pytest.mark.parametrize("page", ["conventions", "convention", "convention_apportionment"])
def test_every_member_reads_the_convention_pages_and_visitors_log_in(client, setting, page):
    args = [] if page == "conventions" else ["ninth"]
    assert client.get(reverse(page, args=args)).status_code == 302
    client.force_login(setting.people.south_member)
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    assert "Ninth Convention" in response.content.decode()


def test_a_second_save_of_the_same_convention_is_refused_with_what_changed(setting):
    from django.test import Client

    ada, cora = Client(), Client()
    ada.force_login(setting.people.admin)
    cora.force_login(setting.credentials)
    edit = reverse("convention_edit", args=["ninth"])
    forms = [c.get(edit).context["form"] for c in (ada, cora)]
    ada_data, cora_data = (
        {name: form[name].value() or "" for name in form.fields} for form in forms
    )
    assert ada.post(edit, ada_data | {"cutoff_on": "2026-09-15"}).status_code == 302
    refused = cora.post(edit, cora_data | {"per": "12"})
    assert refused.status_code == 400
    text = " ".join(refused.context["form"].non_field_errors())
    assert "Someone else saved the convention “Ninth Convention” after you opened" in text
    assert "cutoff on changed from “2026-09-30” to “2026-09-15”" in text
    convention = Convention.objects.get(slug="ninth")
    assert str(convention.cutoff_on) == "2026-09-15" and convention.formula["per"] == 10
    # The form now shows Ada's cut-off with Cora's ratio: saving again keeps both.
    again = {name: value or "" for name, value in refused.context["form"].data.items()}
    assert cora.post(edit, again).status_code == 302
    convention.refresh_from_db()
    assert str(convention.cutoff_on) == "2026-09-15" and convention.formula["per"] == 12
