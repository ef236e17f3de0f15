"""Adopting rules from the web: a preview of the diff and of whose standing changes, then
adoption under the adopter's name, for the organization's administrators only."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rankfile.audit.models import AuditEvent
from rankfile.members.actions import do_appoint
from rankfile.standing.models import RuleSetVersion
from tests.conftest import make_person
from tests.standing.conftest import ON, RULES

pytestmark = pytest.mark.django_db
URL = "/standing/rules/adopt/"
# Three months in arrears allowed instead of one: Otto (paid through 2024-03-31) comes back.
LENIENT = RULES.replace('version = "1"', 'version = "2"').replace(
    "months_in_arrears_before_losing_standing = 1", "months_in_arrears_before_losing_standing = 3"
)


def proposal(**change):
    return {
        "text": LENIENT,
        "decision": "",
        "effective_on": "2024-06-15",
        "compare_on": ON,
        **change,
    }


def test_the_preview_shows_the_change_and_whose_standing_it_changes(history, client):
    client.force_login(history.admin)
    page = client.get(URL).content.decode()
    assert "months_in_arrears_before_losing_standing = 1" in page  # starts as the rules in force
    response = client.post(URL, proposal(preview="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Months in arrears allowed before losing good standing: 1 → 3" in html
        or "from 1 to 3" in html
    )
    assert "<strong>1</strong> member would come into good standing" in html
    assert "West Branch" in html
    assert "Otto Other" not in html  # names on demand only
    listed = client.post(URL, proposal(names="1")).content.decode()
    assert "Otto Other" in listed
    assert RuleSetVersion.objects.count() == 1  # nothing adopted by a preview


def test_adoption_needs_the_decision_and_then_names_the_adopter(history, client):
    client.force_login(history.admin)
    refused = client.post(URL, proposal(adopt="1"))
    assert refused.status_code == 400
    assert 'class="error-summary"' in refused.content.decode()
    assert "Name the decision" in refused.content.decode()
    done = client.post(URL, proposal(adopt="1", decision="Membership meeting, motion 4"))
    version = RuleSetVersion.objects.get(version="2")
    assert done.url == f"/standing/rules/?version={version.pk}"
    assert version.adopted_by == history.admin
    assert (
        AuditEvent.objects.get(action="rules.adopt", target_id=str(version.pk)).actor
        == history.admin
    )
    rules_page = client.get(done.url).content.decode()
    assert "Ada Admin" in rules_page


def test_a_bad_file_is_refused_naming_the_field(history, client):
    client.force_login(history.admin)
    bad = LENIENT.replace(
        "months_in_arrears_before_losing_standing = 3",
        "months_in_arrears_before_losing_standing = -1",
    )
    response = client.post(URL, proposal(text=bad, preview="1"))
    assert response.status_code == 400
    assert "months_in_arrears_before_losing_standing" in response.content.decode()
    upload = SimpleUploadedFile("rules.toml", b"\xff\xfe not text")
    response = client.post(URL, {**proposal(text=""), "file": upload, "preview": "1"})
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()


def test_an_uploaded_file_is_previewed_and_kept_in_the_text_box(history, client):
    client.force_login(history.admin)
    upload = SimpleUploadedFile("rules.toml", LENIENT.encode())
    response = client.post(URL, {**proposal(text=""), "file": upload, "preview": "1"})
    assert response.status_code == 200
    assert "months_in_arrears_before_losing_standing = 3" in response.content.decode()


def test_only_organization_wide_administrators_adopt(history, client):
    branch_admin = make_person("Bo", "Branch", history.east, number="2001")
    do_appoint(
        None, branch_admin, role="admin", branch=history.east, started_on=datetime.date(2024, 1, 1)
    )
    for user in (history.secretary, history.treasurer, history.member, branch_admin.user):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, proposal(adopt="1", decision="x")).status_code == 403
    assert RuleSetVersion.objects.count() == 1
