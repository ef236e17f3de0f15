import pytest

from rankfile.accounts.actions import do_create_api_token, do_revoke_api_token
from rankfile.audit.models import AuditEvent


@pytest.fixture
def bearer(people):
    def make(user):
        _token, secret = do_create_api_token(user, name="test script")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def test_it_refuses_calls_without_credentials(client, people):
    assert client.get("/api/v1/members").status_code == 401


def test_a_token_sees_what_its_user_sees_and_no_more(client, people, bearer):
    response = client.get("/api/v1/members", **bearer(people.member))
    assert response.status_code == 200
    rows = {row["last_name"]: row for row in response.json()["results"]}
    assert list(rows) == ["Member"]  # by default a member who holds no office sees herself
    assert rows["Member"]["phone"] == people.member.member.phone  # herself, in full
    from rankfile.members.actions import do_set_member_directory

    do_set_member_directory(people.admin, visibility="own_branch", reason="Congress 2025")
    response = client.get("/api/v1/members", **bearer(people.member))
    rows = {row["last_name"]: row for row in response.json()["results"]}
    assert "Other" not in rows  # west: not her branch
    assert rows["Secretary"].get("phone") is None  # another member's contact details: never
    assert rows["Secretary"]["status"] == "member"  # a directory field the organization shows


def test_a_secretary_token_sees_contact_details_in_her_branch_only(client, people, bearer):
    headers = bearer(people.secretary)
    mia = client.get(f"/api/v1/members/{people.member.member.pk}", **headers).json()
    otto = client.get(f"/api/v1/members/{people.other.member.pk}", **headers).json()
    assert mia["address"] == people.member.member.address
    assert otto.get("address") is None


def test_a_revoked_token_stops_working(client, people):
    token, secret = do_create_api_token(people.member, name="old laptop")
    do_revoke_api_token(people.member, token)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_recording_an_event_goes_through_the_same_action_and_the_record(client, people, bearer):
    response = client.post(
        f"/api/v1/members/{people.member.member.pk}/events",
        {"kind": "lapsed", "on": "2025-02-01", "reason": "No dues for a year"},
        content_type="application/json",
        **bearer(people.secretary),
    )
    assert response.status_code == 201
    assert AuditEvent.objects.filter(action="member.lapsed", actor=people.secretary).exists()


def test_a_refused_event_gets_the_reason_by_field(client, people, bearer):
    response = client.post(
        f"/api/v1/members/{people.member.member.pk}/events",
        {"kind": "reinstated", "on": "2025-02-01", "reason": "Back"},
        content_type="application/json",
        **bearer(people.secretary),
    )
    assert response.status_code == 400
    assert "cannot be recorded" in response.json()["errors"]["kind"][0]


def test_an_ordinary_member_may_not_record_events(client, people, bearer):
    response = client.post(
        f"/api/v1/members/{people.other.member.pk}/events",
        {"kind": "lapsed", "on": "2025-02-01", "reason": "x"},
        content_type="application/json",
        **bearer(people.member),
    )
    assert response.status_code == 404  # another branch's member: not even visible


def test_bad_json_gets_a_validation_message_not_a_server_error(client, people, bearer):
    response = client.post(
        f"/api/v1/members/{people.member.member.pk}/events",
        {"kind": "lapsed", "on": "2025-02-30", "reason": "x"},
        content_type="application/json",
        **bearer(people.secretary),
    )
    assert response.status_code == 422
    assert "on" in str(response.json())


def test_the_openapi_description_lists_the_routes(client, people):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/members", "/api/v1/members/{member_id}", "/api/v1/audit"} <= set(spec["paths"])


def test_the_record_through_the_api_is_scoped_like_the_page(client, people, bearer):
    events = client.get("/api/v1/audit", **bearer(people.other)).json()["results"]
    assert events and all(
        e["target_type"] != "members.member" or e["target_id"] == str(people.other.member.pk)
        for e in events
    )


def test_making_a_token_on_my_account_shows_it_once(client, people):
    client.force_login(people.member)
    response = client.post("/account/", {"token-name": "phone app"})
    text = response.content.decode()
    assert "Your new token" in text and "rf_" in text
    assert "Your new token" not in client.get("/account/").content.decode()


def test_a_token_records_its_last_use_at_most_once_a_minute(client, people):
    import datetime

    from django.utils import timezone

    token, secret = do_create_api_token(people.member, name="phone")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at == first  # a burst of calls writes once
    token.last_used_at = timezone.now() - datetime.timedelta(minutes=2)
    token.save(update_fields=["last_used_at"])
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at > timezone.now() - datetime.timedelta(seconds=30)
