from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from rankfile.core import lifecycle
from rankfile.members.models import Branch, Member, MemberDirectory, Role
from rankfile.web.forms import EditForm, Form

OFFICER_EVENTS = [
    (kind, label)
    for kind, label in lifecycle.EVENT_CHOICES
    if kind not in (lifecycle.APPLIED, lifecycle.RESIGNED_EVENT)
] + [(lifecycle.RESIGNED_EVENT, "Resigned (recorded by an officer)")]


class DirectoryFilterForm(Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or member number"}),
    )
    branch = forms.ModelChoiceField(
        label="Branch",
        queryset=Branch.objects.all(),
        required=False,
        empty_label="All branches",
        to_field_name="slug",
    )


class RecordEventForm(Form):
    kind = forms.ChoiceField(label="What happened", choices=OFFICER_EVENTS)

    def __init__(self, *args: Any, status: str | None = None, **kwargs: Any) -> None:
        """Only the changes ``status`` allows are offered, and none is chosen in advance."""
        super().__init__(*args, **kwargs)
        allowed = lifecycle.allowed_events(status)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Choose…")] + [c for c in OFFICER_EVENTS if c[0] in allowed]
        where = f"a member whose status is {status}" if status else "someone with no record yet"
        kind.error_messages["invalid_choice"] = (
            f"“%(value)s” cannot be recorded for {where}: choose one of the changes offered."
        )

    on = forms.DateField(
        label="On", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    to_branch = forms.ModelChoiceField(
        label="New branch (for a transfer)",
        queryset=Branch.objects.all(),
        required=False,
        to_field_name="slug",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="On the record: the member and the appeals body can read it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == lifecycle.TRANSFERRED and not data.get("to_branch"):
            self.add_error("to_branch", "Choose the branch the member moves to.")
        return data


class ContactForm(EditForm):
    class Meta:
        model = Member
        fields = ["first_name", "last_name", "email", "phone", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class ResignForm(Form):
    statement = forms.CharField(
        label="Statement (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Your reasons, in your words. It is kept with your record.",
    )
    confirm = forms.BooleanField(
        label="I am resigning my membership, effective today.", required=True
    )


class AppointForm(Form):
    member_number = forms.CharField(label="Member number", max_length=40)
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    branch = forms.ModelChoiceField(
        label="Over",
        queryset=Branch.objects.all(),
        required=False,
        empty_label="The whole organization",
        to_field_name="slug",
        help_text="A branch office covers the branches below it too.",
    )
    started_on = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    ended_on = forms.DateField(
        label="Until (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="Decision or reason", max_length=500)

    def clean_member_number(self) -> Member:
        number = self.cleaned_data["member_number"].strip()
        member = Member.objects.filter(member_number=number).first()
        if member is None:
            raise forms.ValidationError(f"No member has the number {number}.")
        return member


class EndOfficeForm(Form):
    ended_on = forms.DateField(
        label="Ended on", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reason = forms.CharField(label="Reason", max_length=500)


class MemberDirectoryForm(Form):
    visibility = forms.ChoiceField(
        label="What members who hold no office see of the roster",
        choices=MemberDirectory.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="On the record: the decision that made this choice.",
    )
