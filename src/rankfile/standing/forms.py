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
    starts_on = forms.DateField(
        required=False,
        label="Override from",
        help_text="Overrides only: the first day the override decides standing.",
        widget=forms.DateInput({"type": "date"}),
    )
    ends_on = forms.DateField(
        required=False,
        label="Override to",
        help_text="Overrides only: the last day (empty: until lifted).",
        widget=forms.DateInput({"type": "date"}),
    )
    in_good_standing = forms.TypedChoiceField(
        required=False,
        label="Standing set to",
        choices=[("", "—"), ("yes", "in good standing"), ("no", "not in good standing")],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )


class SnapshotForm(Form):
    label = forms.CharField(max_length=200)
    as_of = forms.DateField(widget=forms.DateInput({"type": "date"}))


class RulesProposalForm(Form):
    text = forms.CharField(
        widget=forms.Textarea({"rows": 18, "class": "mono", "spellcheck": "false"}),
        required=False,
        label="The rule file",
        help_text="TOML, in the format of docs/rules.md; it starts as the rules in force.",
    )
    file = forms.FileField(required=False, label="Or upload a rule file", help_text=".toml")
    decision = forms.CharField(
        max_length=500,
        required=False,
        label="The decision that adopts them",
        help_text="e.g. “Membership meeting of 2026-11-20, motion 4, carried 41–12”. Needed to adopt.",
    )
    effective_on = forms.DateField(
        required=False,
        label="In force from",
        help_text="Empty: the file's rule_set.effective_on.",
        widget=forms.DateInput({"type": "date"}),
    )

    compare_on = forms.DateField(
        required=False,
        label="Compare standing on",
        help_text="Empty: the day they come into force, or today if that has passed.",
        widget=forms.DateInput({"type": "date"}),
    )

    MAX_BYTES = 100_000

    def clean(self) -> dict:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError("A rule file is at most 100 KB.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text.")
                return data
        if not (data.get("text") or "").strip():
            self.add_error("text", "Paste the rule file or upload one.")
        return data
