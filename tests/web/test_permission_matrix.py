"""Every page × every persona: allowed or refused, and nothing leaked in what is allowed."""

import pytest
from django.urls import reverse

PERSONAS = ["admin", "secretary", "treasurer", "appeals", "member", "other", "outsider"]


def get(client, people, persona, url):
    client.force_login(getattr(people, persona))
    return client.get(url)


# page name → {persona: expected status}; the member pages are about Mia (east).
EXPECTED = {
    "dashboard": dict.fromkeys(PERSONAS, 200),
    # An account with no membership sees no one's record.
    "directory": {**dict.fromkeys(PERSONAS, 200), "outsider": 403},
    "branches": dict.fromkeys(PERSONAS, 200),
    "account": dict.fromkeys(PERSONAS, 200),
    "audit_log": dict.fromkeys(PERSONAS, 200),
    # Mia's page: herself, the officers who cover east, the appeals body; not another
    # branch's member.
    "member": {**dict.fromkeys(PERSONAS, 200), "other": 404, "outsider": 403},
    "branch": dict.fromkeys(PERSONAS, 200),
    "offices": dict.fromkeys(PERSONAS, 200),
    "organization": dict.fromkeys(PERSONAS, 200),
    "member_import": {**dict.fromkeys(PERSONAS, 403), "admin": 200, "secretary": 200},
    # The roster export is for officers.
    "member_export": {
        **dict.fromkeys(PERSONAS, 200),
        "member": 403,
        "other": 403,
        "outsider": 403,
    },
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_it_serves_each_page_to_each_persona_as_expected(client, people, page, persona):
    args = {"member": [people.member.member.pk], "branch": ["east"]}.get(page, [])
    response = get(client, people, persona, reverse(page, args=args))
    assert response.status_code == EXPECTED[page][persona]


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_page_asks_an_anonymous_visitor_to_log_in(client, people, page):
    args = {"member": [people.member.member.pk], "branch": ["east"]}.get(page, [])
    response = client.get(reverse(page, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Contact details of Mia (east) on her page: who sees them.
SEES_MIA_CONTACT = {
    "admin": True,
    "secretary": True,  # secretary of east
    "treasurer": True,  # organization-wide treasurer
    "appeals": False,
    "member": True,  # Mia herself
    "other": False,
    "outsider": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_contact_details_show_only_to_those_whose_role_needs_them(client, people, persona):
    mia = people.member.member
    response = get(client, people, persona, reverse("member", args=[mia.pk]))
    text = response.content.decode()
    assert (mia.phone in text) is SEES_MIA_CONTACT[persona]
    assert (mia.address in text) is SEES_MIA_CONTACT[persona]


# Who finds whom in the directory, by default: officers the branches they cover, ordinary
# members themselves only.
FINDS = {
    "admin": {"Mia", "Otto", "Sol"},
    "secretary": {"Mia"},  # east
    "treasurer": {"Mia", "Otto", "Sol"},  # organization-wide
    "appeals": {"Otto"},  # the appeals office names west
    "member": {"Mia"},  # herself
    "other": {"Otto"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_directory_leaks_no_contact_details_outside_a_persons_scope(client, people, persona):
    response = get(client, people, persona, reverse("directory"))
    text = response.content.decode()
    otto = people.other.member  # west: only organization-wide officers see his phone
    assert (otto.phone in text) is (persona in ("admin", "treasurer", "other"))
    for name in ("Mia", "Otto", "Sol"):
        assert (name in text) is (name in FINDS[persona]), name


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_officers_over_the_branch_may_record_changes(client, people, persona):
    client.force_login(getattr(people, persona))
    mia = people.member.member
    response = client.post(
        reverse("member_record_event", args=[mia.pk]),
        {"event-kind": "lapsed", "event-on": "2025-01-01", "event-reason": "No dues"},
    )
    allowed = persona in ("admin", "secretary")
    # refused: 403, or 404 for those who may not even see Mia (another branch's member)
    assert response.status_code == (302 if allowed else 404 if persona == "other" else 403)
    mia.refresh_from_db()
    assert mia.status == ("lapsed" if allowed else "member")


def test_a_former_member_is_not_found_by_ordinary_members(client, people):
    from rankfile.members.actions import do_resign

    do_resign(people.other, people.other.member)
    response = get(client, people, "member", reverse("member", args=[people.other.member.pk]))
    assert response.status_code == 404
    response = get(client, people, "admin", reverse("member", args=[people.other.member.pk]))
    assert response.status_code == 200


AUDIT_SEES_MIA_LAPSE = {
    "admin": True,
    "secretary": True,
    "treasurer": True,  # organization-wide office: audit everywhere
    "appeals": True,  # the appeals body sees all
    "member": True,  # about herself
    "other": False,
    "outsider": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_record_shows_each_persona_what_their_roles_cover(client, people, persona):
    import datetime

    from rankfile.members.actions import do_record_member_event

    do_record_member_event(
        people.secretary,
        people.member.member,
        kind="lapsed",
        on=datetime.date(2025, 2, 1),
        reason="Twelve months without contact",
    )
    response = get(client, people, persona, reverse("audit_log"))
    text = response.content.decode()
    assert ("Twelve months without contact" in text) is AUDIT_SEES_MIA_LAPSE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_an_administrator_appoints_officers(client, people, persona):
    client.force_login(getattr(people, persona))
    response = client.post(
        reverse("offices"),
        {
            "member_number": people.other.member.member_number,
            "role": "organizer",
            "branch": "west",
            "started_on": "2025-01-01",
            "reason": "Elected at the branch meeting",
        },
    )
    allowed = persona == "admin"
    assert response.status_code == (302 if allowed else 403)
    assert people.other.member.offices.filter(role="organizer").exists() is allowed
