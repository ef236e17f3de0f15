"""Django's admin reads the organization's records and never writes them: a change made
there would skip the action that puts it on the hash-chained record."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from rankfile.accounts.models import User
from rankfile.audit.verify import latest_event
from rankfile.members.actions import do_configure_organization
from rankfile.members.models import Branch, Member, Office, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(people):
    """A superuser: the one account that reaches the admin with every Django permission."""
    user = User.objects.create_superuser("operator@example.org", "not-on-the-record-1917")
    return user


@pytest.fixture
def back_office(client, operator):
    client.force_login(operator)
    return client


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_in_the_admin_refuses_add_change_and_delete(operator):
    request = RequestFactory().get("/admin/")
    request.user = operator
    assert admin.site._registry, "the admin shows models"
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        assert not model_admin.has_add_permission(request), f"{label} can be added"
        assert not model_admin.has_change_permission(request), f"{label} can be changed"
        assert not model_admin.has_delete_permission(request), f"{label} can be deleted"
        assert model_admin.has_view_permission(request), f"{label} cannot be read"
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), f"{label} inline adds"
            assert not inline.has_change_permission(request), f"{label} inline changes"
            assert not inline.has_delete_permission(request), f"{label} inline deletes"


def test_groups_are_not_a_second_way_to_grant_powers():
    from django.contrib.auth.models import Group

    assert Group not in admin.site._registry


def test_the_admin_still_reads_every_model(back_office, people):
    for model in admin.site._registry:
        assert back_office.get(url(model, "changelist")).status_code == 200, model
    member = Member.objects.get(user=people.member)
    page = back_office.get(url(Member, "change", member.pk))
    assert page.status_code == 200
    assert "Mia" in page.text
    assert 'name="_save"' not in page.text


class TestNothingChangesOffTheRecord:
    """The changes the issue made through the admin, each refused, the record untouched."""

    def test_an_office_cannot_be_deleted(self, back_office, people):
        office = Office.objects.get(role="admin")
        head = latest_event()
        response = back_office.post(url(Office, "delete", office.pk), {"post": "yes"})
        assert response.status_code == 403
        assert Office.objects.filter(pk=office.pk).exists()
        assert latest_event() == head

    def test_members_contact_details_cannot_be_published_to_the_directory(
        self, back_office, people
    ):
        organization = do_configure_organization(None, name="Workers' League")
        before = list(organization.directory_fields)
        head = latest_event()
        response = back_office.post(
            url(Organization, "change", organization.pk),
            {"name": organization.name, "directory_fields": '["email", "phone"]'},
        )
        assert response.status_code == 403
        organization.refresh_from_db()
        assert organization.directory_fields == before
        assert latest_event() == head

    def test_a_member_cannot_be_deleted(self, back_office, people):
        member = Member.objects.get(user=people.member)
        response = back_office.post(url(Member, "delete", member.pk), {"post": "yes"})
        assert response.status_code == 403
        assert Member.objects.filter(pk=member.pk).exists()

    def test_a_branch_cannot_be_renamed_or_added(self, back_office, people):
        response = back_office.post(
            url(Branch, "change", people.east.pk), {"name": "Renamed", "slug": "east"}
        )
        assert response.status_code == 403
        assert Branch.objects.get(pk=people.east.pk).name == "East Branch"
        response = back_office.post(url(Branch, "add"), {"name": "New", "slug": "new"})
        assert response.status_code == 403
        assert not Branch.objects.filter(slug="new").exists()

    def test_no_account_is_created_promoted_or_given_a_password(self, back_office, people):
        head = latest_event()
        response = back_office.post(
            url(User, "add"),
            {
                "email": "new@example.org",
                "password1": "x-Long-pass-1",
                "password2": "x-Long-pass-1",
            },
        )
        assert response.status_code == 403
        assert not User.objects.filter(email="new@example.org").exists()
        member = people.member
        response = back_office.post(
            url(User, "change", member.pk),
            {"email": member.email, "is_active": "on", "is_staff": "on", "is_superuser": "on"},
        )
        assert response.status_code == 403
        response = back_office.post(
            reverse("admin:auth_user_password_change", args=[member.pk]),
            {"password1": "taken-over-1917", "password2": "taken-over-1917"},
        )
        assert response.status_code == 403
        member.refresh_from_db()
        assert not member.is_superuser
        assert not member.check_password("taken-over-1917")
        assert latest_event() == head
