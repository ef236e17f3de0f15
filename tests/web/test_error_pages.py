from django.urls import reverse


def test_a_missing_member_gets_our_not_found_page(client, people):
    client.force_login(people.member)
    response = client.get(reverse("member", args=[999999]))
    assert response.status_code == 404
    assert "There is nothing here, or it is not visible to you." in response.content.decode()


def test_a_refusal_says_why_in_plain_words(client, people):
    client.force_login(people.appeals)  # sees every member, invites no one
    response = client.post(reverse("member_invite", args=[people.member.member.pk]))
    assert response.status_code == 403
    assert "You do not hold an office that allows this." in response.content.decode()
