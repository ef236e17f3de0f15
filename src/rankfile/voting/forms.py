"""The officers' poll form and reading a ballot from a posted form (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from rankfile.conventions.models import Candidate, Convention, DelegateElection
from rankfile.members.models import Branch
from rankfile.voting.models import (
    METHOD_CHOICES,
    ElectorateRule,
    Poll,
    PollKind,
    PollMode,
    Threshold,
)
from rankfile.web.forms import Form

ORGANIZATION = "organization"


class PollForm(Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="The motion's text."
    )
    body = forms.ChoiceField(label="Who votes", help_text="The branch includes those below it.")
    kind = forms.ChoiceField(choices=PollKind.choices, widget=forms.RadioSelect)
    delegate_election = forms.ChoiceField(
        required=False,
        label="Decides a delegate election",
        help_text="The elected are reported to the convention's credentials roll at close; "
        "the candidates are those standing in it.",
    )
    threshold = forms.ChoiceField(
        choices=Threshold.choices, required=False, label="Threshold (motions)"
    )
    method = forms.ChoiceField(
        choices=METHOD_CHOICES, required=False, initial="scottish-stv", label="Counting method"
    )
    seats = forms.IntegerField(min_value=1, initial=1, required=False)
    candidates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One name a line (elections).",
    )
    mode = forms.ChoiceField(choices=PollMode.choices, widget=forms.RadioSelect, initial="secret")
    weighted = forms.BooleanField(
        required=False,
        label="Card vote: delegates vote with the members their branch represents (named or entered only)",
    )
    as_of = forms.DateField(
        required=False,
        label="Standing judged on",
        help_text="Empty: the day the poll opens.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, branches: list[Branch], everywhere: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = []
        if everywhere:
            choices.append((ORGANIZATION, "The whole organization"))
            choices.extend(
                (f"convention:{c.pk}", f"{c.name}: its seated delegates")
                for c in Convention.objects.order_by("-opens_on")
            )
        choices.extend((f"branch:{b.pk}", b.name) for b in branches)
        self.fields["body"].choices = choices
        elections = DelegateElection.objects.select_related("convention", "branch").filter(
            status__in=("open", "review")
        )
        if not everywhere:
            elections = elections.filter(branch__in=branches)
        self.fields["delegate_election"].choices = [("", "—")] + [
            (str(e.pk), f"{e.convention.name}: {e.branch.name}") for e in elections
        ]

    def poll_options(self) -> dict[str, Any]:
        data = self.cleaned_data
        body = data["body"]
        options: dict[str, Any] = {
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "mode": data["mode"],
            "threshold": data["threshold"] or Threshold.MAJORITY,
            "method": data["method"] or "scottish-stv",
            "seats": data["seats"] or 1,
            "candidates": [line for line in data["candidates"].splitlines() if line.strip()],
            "weighted": data["weighted"],
            "as_of": data["as_of"],
        }
        if data.get("delegate_election"):
            election = DelegateElection.objects.get(pk=int(data["delegate_election"]))
            options["delegate_election"] = election
            options["kind"] = "election"
            if not options["candidates"]:
                options["candidates"] = [
                    c.member
                    for c in Candidate.objects.filter(election=election, withdrawn_at__isnull=True)
                    .select_related("member")
                    .order_by("member__last_name", "member__first_name")
                ]
            return options
        if body.startswith("branch:"):
            options["branch"] = Branch.objects.get(pk=int(body.split(":")[1]))
        elif body.startswith("convention:"):
            options["convention"] = Convention.objects.get(pk=int(body.split(":")[1]))
            options["electorate_rule"] = ElectorateRule.DELEGATES
        return options


def ballot_from_post(poll: Poll, post: QueryDict) -> dict[str, Any]:
    """The ballot content the form says, or ValidationError in words a voter reads."""
    if poll.is_motion:
        return {"vote": post.get("vote", "")}
    count = poll.candidates.count()
    if poll.is_ranked:
        numbered: list[tuple[int, int]] = []
        for position in range(count):
            value = post.get(f"rank-{position}", "").strip()
            if not value:
                continue
            if not value.isdigit() or not 1 <= int(value) <= count:
                raise ValidationError("Choose preferences from the lists.")
            numbered.append((int(value), position))
        numbers = [n for n, _ in numbered]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValidationError(
                f"Two candidates have preference {repeated[0]}: give each preference once."
            )
        return {"ranking": [position for _, position in sorted(numbered)]}
    try:
        choices = [int(v) for v in post.getlist("choice")]
    except ValueError:
        raise ValidationError("Choose from the candidates listed.") from None
    return {"choices": choices}
