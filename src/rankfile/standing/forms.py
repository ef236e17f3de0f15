"""Forms of the standing pages."""

from __future__ import annotations

import datetime

from django import forms

from rankfile.standing.models import EnforcementKind
from rankfile.web.forms import Form


class AsOfForm(Form):
    as_of = forms.DateField(required=False, label="As of", widget=forms.DateInput({"type": "date"}))
    rules = forms.CharField(
        required=False,
        label="Rules version",
        help_text="Empty: the version in force on that date.",
    )


class PeriodForm(Form):
    start = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))


class EnforcementForm(Form):
    kind = forms.ChoiceField(choices=EnforcementKind.choices)
    rule_cited = forms.CharField(max_length=200, help_text="e.g. dues.paid_within_months")
    reason = forms.CharField(widget=forms.Textarea({"rows": 3}))
    on = forms.DateField(initial=datetime.date.today, widget=forms.DateInput({"type": "date"}))


class SnapshotForm(Form):
    label = forms.CharField(max_length=200)
    as_of = forms.DateField(widget=forms.DateInput({"type": "date"}))
