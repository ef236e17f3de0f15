"""Forms for conventions: bad input comes back as errors on the form, never as a 500."""

from __future__ import annotations

from typing import Any

from django import forms

from rankfile.conventions import formula as delegate_formula
from rankfile.conventions.actions import CONVENTION_FIELDS, describe_convention
from rankfile.conventions.models import Convention
from rankfile.core.apportionment import METHODS, ROUNDINGS, TIE_BREAK_RULES, ApportionmentError
from rankfile.members.editing import parse_seen, seen_token
from rankfile.standing.models import Snapshot
from rankfile.web.forms import Form

DATE = forms.DateInput(attrs={"type": "date"})
ROUNDING_CHOICES = [
    ("nearest", "Rounded to nearest (halves up)"),
    ("up", "Rounded up (or part thereof)"),
    ("down", "Rounded down (full groups only)"),
]
assert {key for key, _ in ROUNDING_CHOICES} == set(ROUNDINGS)
METHOD_CHOICES = list(delegate_formula.METHOD_TITLES.items())
assert {key for key, _ in METHOD_CHOICES} == set(METHODS.values())
TIE_BREAK_CHOICES = [
    (delegate_formula.NO_TIE_BREAK, "None stated (a tie stops the computation)"),
    ("lot", "Drawing lots, with the recorded seed"),
    ("input-order", "Branch listed first (alphabetical order)"),
    ("larger-count", "Branch with more members, then alphabetical"),
]
assert {key for key, _ in TIE_BREAK_CHOICES[1:]} == set(TIE_BREAK_RULES)


def _number(label: str, *, required: bool = False, minimum: int = 0, help_text: str = "") -> Any:
    return forms.IntegerField(
        label=label, required=required, min_value=minimum, help_text=help_text
    )


class ConventionForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    slug = forms.SlugField(
        label="Short name for addresses", max_length=100, help_text="Letters, digits, hyphens."
    )
    opens_on = forms.DateField(label="Opens on", widget=DATE)
    closes_on = forms.DateField(label="Closes on", widget=DATE)
    cutoff_on = forms.DateField(
        label="Credentials cut-off",
        widget=DATE,
        help_text="Delegates are apportioned on the members in good standing on this date.",
    )
    discussion_opens_on = forms.DateField(
        label="Pre-convention discussion opens", widget=DATE, required=False
    )
    discussion_closes_on = forms.DateField(
        label="Pre-convention discussion closes", widget=DATE, required=False
    )
    kind = forms.ChoiceField(
        label="Kind of delegate formula",
        choices=[
            (delegate_formula.RATIO, "A ratio: one delegate per so many members"),
            (delegate_formula.HOUSE, "A fixed number of delegates shared by a method"),
        ],
        widget=forms.RadioSelect,
    )
    per = _number("One delegate per … members", minimum=1, help_text="Ratio formulas.")
    rounding = forms.ChoiceField(label="Rounding", choices=ROUNDING_CHOICES, required=False)
    first = _number(
        "One delegate for the first … members (optional)",
        minimum=1,
        help_text="“One for the first 749, then one per further 250”.",
    )
    at_least = _number("At least … per branch", help_text="Ratio formulas.")
    at_most = _number("At most … per branch (optional)", help_text="Ratio formulas.")
    seats = _number("Delegates in all", minimum=1, help_text="Fixed-number formulas.")
    method = forms.ChoiceField(label="Method", choices=METHOD_CHOICES, required=False)
    minimum = _number("Minimum per branch", help_text="Fixed-number formulas.")
    maximum = _number("Maximum per branch (optional)", minimum=1)
    base = _number("Base delegates given to every branch first")
    tie_break = forms.ChoiceField(label="Tie-break", choices=TIE_BREAK_CHOICES, required=False)
    # The values an edit was opened on (members/editing.py).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    seed = _number("Seed for drawing lots", help_text="Recorded, so anyone can redo the draw.")
    formula_source = forms.CharField(
        label="Where the formula comes from",
        max_length=300,
        required=False,
        help_text="E.g. “Constitution, article 7” or the decision that set it.",
    )
    alternates_per = _number("One alternate per … delegates", required=True, minimum=1)
    alternates_rounding = forms.ChoiceField(
        label="Alternates rounding", choices=ROUNDING_CHOICES, initial="up"
    )
    alternates_at_least = _number("At least … alternates per branch with delegates", required=True)

    RATIO_FIELDS = ("per", "rounding", "first", "at_least", "at_most")
    HOUSE_FIELDS = ("seats", "method", "minimum", "maximum", "base", "tie_break", "seed")

    @classmethod
    def initial_for(cls, convention: Convention) -> dict[str, Any]:
        initial = {
            name: getattr(convention, name)
            for name in cls.base_fields
            if hasattr(convention, name) and name != "kind"
        }
        initial.update(convention.formula)
        initial["seen"] = seen_token(describe_convention(convention))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == delegate_formula.RATIO:
            if data.get("per") is None and "per" not in self.errors:
                self.add_error("per", "Say how many members give one delegate.")
            formula = {name: data.get(name) for name in self.RATIO_FIELDS}
            formula["rounding"] = formula["rounding"] or "nearest"
            formula["at_least"] = formula["at_least"] or 0
        elif kind == delegate_formula.HOUSE:
            if data.get("seats") is None and "seats" not in self.errors:
                self.add_error("seats", "Say how many delegates the convention has.")
            if not data.get("method"):
                self.add_error("method", "Choose the method that shares the delegates.")
            if data.get("tie_break") == "lot" and data.get("seed") is None:
                self.add_error("seed", "Drawing lots needs a recorded seed.")
            formula = {name: data.get(name) for name in self.HOUSE_FIELDS}
            formula["minimum"] = formula["minimum"] or 0
            formula["base"] = formula["base"] or 0
        else:
            return data
        if not self.errors:
            try:
                data["formula"] = delegate_formula.check({"kind": kind, **formula})
            except ApportionmentError as error:
                self.add_error(None, f"The formula does not work: {error}.")
        return data

    def convention_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in CONVENTION_FIELDS}

    def seen_values(self) -> dict[str, str] | None:
        return parse_seen(self.cleaned_data.get("seen"))


class ComputeForm(Form):
    snapshot = forms.ModelChoiceField(
        label="Standing snapshot",
        queryset=Snapshot.objects.select_related("rule_version").order_by("-as_of", "-pk"),
        help_text="The frozen roll of members in good standing, normally as of the cut-off.",
    )
    cutoff_note = forms.CharField(
        label="If the snapshot is not as of the cut-off date, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label="Reason for recomputing (required once a table is published)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="On the record, and shown to every member with what changed.",
    )


class PublishForm(Form):
    reason = forms.CharField(
        label="Reason for the change (when replacing a published table)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NominateForm(Form):
    member_number = forms.CharField(label="Member number", max_length=40)


class ResultForm(Form):
    delegates = forms.CharField(
        label="Elected delegates",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Member numbers, one per line.",
    )
    alternates = forms.CharField(
        label="Elected alternates, in order",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Member numbers, one per line, first to be seated first.",
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        help_text="Where the result comes from, e.g. “Branch meeting 14 Sept, hand count”.",
    )
    reason = forms.CharField(
        label="Reason (when replacing a recorded result)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @staticmethod
    def numbers(text: str) -> list[str]:
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class SeatAlternateForm(Form):
    reason = forms.CharField(
        label="Reason", max_length=500, help_text="E.g. “Absent from the opening session”."
    )
