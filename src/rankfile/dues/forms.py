"""Forms of the dues pages. They only parse input; the actions decide what is allowed."""

from __future__ import annotations

from django import forms

from rankfile.dues.models import CheckoffKind, DuesBracket, DuesPlan, Method, Period, PlanKind
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
    # No default: the treasurer chooses, so a slip of the Enter key decides nothing.
    decision = forms.ChoiceField(
        choices=[("grant", "Grant"), ("refuse", "Refuse")], widget=forms.RadioSelect
    )
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


class NewPlanForm(Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, help_text="A short name for files: e.g. standard")
    kind = forms.ChoiceField(choices=PlanKind.choices)
    period = forms.ChoiceField(choices=Period.choices)
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False,
        help_text="Per period (flat), the one payment (lifetime); empty for a sliding scale or zero",
    )  # fmt: skip
    currency = forms.CharField(max_length=3, required=False, help_text="Empty: the usual one")
    brackets = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Sliding scale only: one line per bracket, "
        "“income from, income below (empty for no limit), amount per period”, e.g. 0, 20000, 5",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_brackets(self) -> list[tuple[str, str | None, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["brackets"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 3 or not parts[0] or not parts[2]:
                raise forms.ValidationError(
                    f"Line {number}: write “income from, income below, amount”, e.g. 0, 20000, 5."
                )
            rows.append((parts[0], parts[1] or None, parts[2]))
        return rows


class PaymentInstructionsForm(Form):
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        label="How to pay dues",
        help_text="Shown with what a member owes: e.g. the bank account and the reference to give.",
    )
    url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Payment page",
        help_text="Where members pay online",
    )
