"""Two people editing the same member: the second save does not silently undo the first."""

import html
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from rankfile.members.models import Member


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.values[self._textarea] = self.values[self._textarea].lstrip("\n")
            self._textarea = None


def form_values(page, prefix):
    """The inputs of a page whose names start with ``prefix``, as a browser would send them."""
    parser = _Inputs()
    parser.feed(page)
    return {k: v for k, v in parser.values.items() if k.startswith(prefix)}


def open_form(client, url, prefix="contact-"):
    values = form_values(client.get(url).content.decode(), prefix)
    assert prefix + "seen" in values, "the form carries the values it was opened on"
    return values


def officer(people, persona):
    client = Client()
    client.force_login(getattr(people, persona))
    return client


def test_the_second_save_is_refused_and_says_what_changed(people):
    mia = people.member.member
    page = reverse("member", args=[mia.pk])
    save = reverse("member_update", args=[mia.pk])
    ada, sam = officer(people, "admin"), officer(people, "secretary")
    ada_form, sam_form = open_form(ada, page), open_form(sam, page)

    assert ada.post(save, {**ada_form, "contact-email": "mia.new@example.org"}).status_code == 302
    refused = sam.post(save, {**sam_form, "contact-phone": "555-9999"})

    assert refused.status_code == 409
    text = html.unescape(refused.content.decode())
    assert "Someone else saved the record of Mia Member after you opened this form" in text
    assert "email changed from “mia@example.org” to “mia.new@example.org”" in text
    mia.refresh_from_db()
    assert (mia.email, mia.phone) == ("mia.new@example.org", "555-1005")  # nothing of Sam's

    # The form now holds Ada's email and Sam's phone: saving again keeps both.
    again = form_values(refused.content.decode(), "contact-")
    assert again["contact-email"] == "mia.new@example.org"
    assert again["contact-phone"] == "555-9999"
    assert sam.post(save, again).status_code == 302
    mia.refresh_from_db()
    assert (mia.email, mia.phone) == ("mia.new@example.org", "555-9999")


def test_both_changing_the_same_field_shows_both_values(people):
    mia = people.member.member
    page = reverse("member", args=[mia.pk])
    save = reverse("member_update", args=[mia.pk])
    ada, sam = officer(people, "admin"), officer(people, "secretary")
    ada_form, sam_form = open_form(ada, page), open_form(sam, page)
    ada.post(save, {**ada_form, "contact-phone": "555-1111"})
    refused = sam.post(save, {**sam_form, "contact-phone": "555-2222"})
    text = html.unescape(refused.content.decode())
    assert "phone changed from “555-1005” to “555-1111” (you entered “555-2222”)" in text
    assert Member.objects.get(pk=mia.pk).phone == "555-1111"


def test_a_member_editing_her_own_details_is_told_of_an_officers_change(people):
    mia = people.member.member
    own = officer(people, "member")
    form = open_form(own, reverse("account"), prefix="")
    form = {name: form[name] for name in ("email", "phone", "address", "seen")}
    ada = officer(people, "admin")
    ada_form = open_form(ada, reverse("member", args=[mia.pk]))
    ada.post(reverse("member_update", args=[mia.pk]), {**ada_form, "contact-address": "1 New St"})
    refused = own.post(reverse("account"), {**form, "phone": "555-0000"})
    assert refused.status_code == 409
    assert "address changed from" in html.unescape(refused.content.decode())
    assert Member.objects.get(pk=mia.pk).phone == "555-1005"


def test_a_save_with_no_one_else_in_between_goes_through(people):
    mia = people.member.member
    ada = officer(people, "admin")
    form = open_form(ada, reverse("member", args=[mia.pk]))
    response = ada.post(
        reverse("member_update", args=[mia.pk]), {**form, "contact-phone": "555-4242"}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=mia.pk).phone == "555-4242"
