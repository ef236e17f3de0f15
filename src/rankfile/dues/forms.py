"""Forms of the dues pages. They only parse input; the actions decide what is allowed."""

from __future__ import annotations

from django import forms

from rankfile.dues.models import CheckoffKind, DuesBracket, DuesPlan, Method
from rankfile.web.forms import Form

DATE = forms.DateInput(attrs={"type": "date"})


class PaymentForm(Form):
    covers_from = forms.DateField(widget=DATE, label="Covers from")
    covers_through = forms.DateField(widget=DATE, label="Covers through")
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the usual one")
    method = forms.ChoiceField(choices=Method.choices)
    received_on = forms.DateField(widget=DATE, required=False, help_text="Empty: today")
    reference = forms.CharField(max_length=200, required=False)


class ReverseForm(Form):
    reason = forms.CharField(max_length=500, help_text="Why this payment is corrected")


class BracketChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DuesBracket) -> str:
        return f"{obj.plan.name}: {obj}"


class PlanForm(Form):
    plan = forms.ModelChoiceField(queryset=DuesPlan.objects.all())
    bracket = BracketChoiceField(
        queryset=DuesBracket.objects.select_related("plan"),
        required=False,
        help_text="For a sliding scale: the member's income bracket",
    )
    starts_on = forms.DateField(widget=DATE)


class CheckoffForm(Form):
    kind = forms.ChoiceField(choices=CheckoffKind.choices)
    started_on = forms.DateField(widget=DATE)
    employer_name = forms.CharField(max_length=200, required=False)
    employee_id = forms.CharField(max_length=100, required=False)
    reference = forms.CharField(max_length=200, required=False, label="Mandate reference")


class EndCheckoffForm(Form):
    ended_on = forms.DateField(widget=DATE)
    reason = forms.CharField(max_length=500, required=False)


class WaiverRequestForm(Form):
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen only by you and the treasurer's office.",
    )


class DecideWaiverForm(Form):
    decision = forms.ChoiceField(choices=[("grant", "Grant"), ("refuse", "Refuse")])
    ends_on = forms.DateField(widget=DATE, required=False, help_text="Empty: as requested")
    decision_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Reason for the decision"
    )


class ImportForm(Form):
    kind = forms.ChoiceField(
        choices=[("remittance", "Remittance file"), ("payments", "Payments")],
        label="Kind of file",
    )
    file = forms.FileField()
    employer = forms.CharField(
        max_length=200, required=False, help_text="For files that identify members by employee id"
    )


class ResolveForm(Form):
    resolution = forms.ChoiceField(
        choices=[("record", "Record as a payment"), ("dismiss", "Dismiss")]
    )
    member_number = forms.CharField(
        max_length=40, required=False, help_text="For an unknown identifier: whose payment it is"
    )
    note = forms.CharField(max_length=500, required=False)
