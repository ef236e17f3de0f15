"""Forms of the appeals and discipline pages."""

from __future__ import annotations

from typing import Any

from django import forms

from rankfile.appeals.models import Clause, Outcome, Sanction
from rankfile.audit.actions import actor_label
from rankfile.web.forms import Form

DATE = forms.DateInput({"type": "date"})


class AppealForm(Form):
    statement = forms.CharField(
        widget=forms.Textarea({"rows": 6}),
        label="Why the decision is wrong",
        help_text="The appeals body and the officer who acted read it.",
    )


class ResponseForm(Form):
    response = forms.CharField(widget=forms.Textarea({"rows": 5}), label="The officer's response")


class HearingForm(Form):
    hearing_on = forms.DateField(widget=DATE, label="Hearing on")


class LateForm(Form):
    reason = forms.CharField(
        widget=forms.Textarea({"rows": 3}), label="Why the body accepts it late"
    )


class DecisionForm(Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    reasons = forms.CharField(widget=forms.Textarea({"rows": 6}), label="Written reasons")
    by_single_member = forms.BooleanField(
        required=False,
        label="Decided by me alone (only where the rules allow one named member to decide)",
    )
    override_from = forms.DateField(
        required=False, widget=DATE, label="Set the member's standing from",
        help_text="A modified decision, or an overturned one that should restore standing.",
    )  # fmt: skip
    override_to = forms.DateField(
        required=False, widget=DATE, label="to", help_text="Empty: until lifted."
    )
    override_good = forms.TypedChoiceField(
        required=False, label="Standing for that period",
        choices=[("", "—"), ("yes", "in good standing"), ("no", "not in good standing")],
        coerce=lambda v: v == "yes", empty_value=None,
    )  # fmt: skip

    def __init__(self, *args: Any, voters: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.voters = list(voters)
        for user in self.voters:
            self.fields[f"vote_{user.pk}"] = forms.ChoiceField(
                required=False,
                label=f"Vote of {actor_label(user)}",
                choices=[("", "did not vote"), *Outcome.choices],
            )

    def votes(self) -> dict[Any, str] | None:
        """The recorded vote (None when decided by one member)."""
        if self.cleaned_data.get("by_single_member"):
            return None
        return {
            user: self.cleaned_data[f"vote_{user.pk}"]
            for user in self.voters
            if self.cleaned_data.get(f"vote_{user.pk}")
        }


class ChargeForm(Form):
    clause = forms.ModelChoiceField(
        queryset=Clause.objects.all(), label="Clause of the constitution or bylaws"
    )
    particulars = forms.CharField(
        widget=forms.Textarea({"rows": 4}), label="What the member is charged with doing"
    )
    evidence = forms.CharField(
        widget=forms.Textarea({"rows": 4}), label="Evidence (the accused sees it)"
    )


class AnswerForm(Form):
    answer = forms.CharField(widget=forms.Textarea({"rows": 6}), label="Your answer")


class ChargeDecisionForm(Form):
    found_guilty = forms.TypedChoiceField(
        label="Finding",
        choices=[("yes", "The charge is proved"), ("no", "The charge is not proved")],
        coerce=lambda v: v == "yes",
    )
    sanction = forms.ChoiceField(choices=Sanction.choices)
    suspended_until = forms.DateField(
        required=False, widget=DATE, label="Suspended until (a suspension only)"
    )
    reasons = forms.CharField(widget=forms.Textarea({"rows": 5}), label="Written reasons")


class ClauseForm(Form):
    reference = forms.CharField(max_length=60, help_text="e.g. Art. X §2")
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea({"rows": 6}))
