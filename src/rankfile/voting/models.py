"""Polls, their electorates and ballots.

Who may vote and whether they have voted (Voter) live apart from what was voted (SealedBallot
while a secret poll is open, Ballot once it closes). No ballot row names a voter (except in a
named, roll-call poll), carries a time or a sequential id; see docs/voting.md for the threat
model.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from rankfile.core.counting.methods import METHODS


def new_key_id() -> str:
    return secrets.token_hex(16)


def new_seed() -> int:
    return secrets.randbelow(2**31)


class PollKind(models.TextChoices):
    MOTION = "motion", "Motion (yes / no / abstain)"
    ELECTION = "election", "Election (candidates)"


class PollMode(models.TextChoices):
    SECRET = "secret", "Secret ballot"
    NAMED = "named", "Named (roll call)"
    ENTERED = "entered", "Entered by tellers (hand count)"


class PollState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Threshold(models.TextChoices):
    MAJORITY = "majority", "Majority of votes cast"
    TWO_THIRDS = "two-thirds", "Two thirds of votes cast"
    MAJORITY_ENTITLED = "majority-entitled", "Majority of those entitled to vote"


class ElectorateRule(models.TextChoices):
    STANDING = "standing", "Members in good standing on the poll's date"
    DELEGATES = "delegates", "The convention's seated delegates"


METHOD_CHOICES = [
    ("scottish-stv", "Scottish STV"),
    ("meek", "Meek STV"),
    ("wigm", "WIGM (weighted inclusive Gregory)"),
    ("irv", "Instant runoff"),
    ("plurality", "Plurality (one choice)"),
    ("block-plurality", "Block plurality (up to one choice per seat)"),
    ("approval", "Approval"),
    ("schulze", "Schulze (Condorcet)"),
]
assert {m for m, _ in METHOD_CHOICES} == set(METHODS)
RANKED_METHODS = {"scottish-stv", "meek", "wigm", "irv", "schulze"}


class Poll(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The body that votes: a branch (and the branches below it), the whole organization (no
    # branch, no convention), or a convention's delegates.
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    convention = models.ForeignKey(
        "conventions.Convention",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegate_election = models.ForeignKey(
        "conventions.DelegateElection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A branch's delegate election whose result this poll decides.",
    )
    kind = models.CharField(max_length=10, choices=PollKind.choices)
    method = models.CharField(max_length=20, choices=METHOD_CHOICES, default="scottish-stv")
    seats = models.PositiveIntegerField(default=1)
    mode = models.CharField(max_length=10, choices=PollMode.choices, default=PollMode.SECRET)
    threshold = models.CharField(
        max_length=20, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    electorate_rule = models.CharField(
        max_length=10, choices=ElectorateRule.choices, default=ElectorateRule.STANDING
    )
    weighted = models.BooleanField(
        default=False,
        help_text="Card vote: each delegate votes with the weight of the credentials.",
    )
    as_of = models.DateField(null=True, blank=True, help_text="The date standing is judged on.")
    state = models.CharField(max_length=10, choices=PollState.choices, default=PollState.DRAFT)
    # Per-poll key material (not a key: the key is derived from it and a master key that is
    # never in the database) and the seed for ties by lot, fixed at creation.
    key_id = models.CharField(max_length=32, default=new_key_id, editable=False)
    seed = models.PositiveIntegerField(default=new_seed)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    electorate_size = models.PositiveIntegerField(default=0)
    electorate_weight = models.PositiveIntegerField(default=0)
    # Written at close: the outcome (JSON), the chart, and the hash of the published ballots.
    result = models.JSONField(null=True, blank=True)
    result_svg = models.TextField(blank=True)
    ballots_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=True) | Q(convention__isnull=True),
                name="poll_one_body",
            ),
            models.CheckConstraint(
                condition=~Q(mode="secret") | Q(weighted=False),
                name="poll_secret_not_weighted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("voting:poll", args=[self.pk])

    @property
    def body_name(self) -> str:
        if self.convention_id:
            return f"{self.convention} (delegates)"
        if self.branch_id:
            return str(self.branch)
        return "The whole organization"

    @property
    def is_ranked(self) -> bool:
        return self.kind == PollKind.ELECTION and self.method in RANKED_METHODS

    @property
    def is_motion(self) -> bool:
        return self.kind == PollKind.MOTION

    @property
    def max_choices(self) -> int:
        """How many candidates a plurality ballot may mark."""
        if self.method == "block-plurality":
            return self.seats
        if self.method == "approval":
            return 10**6
        return 1


class PollCandidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_candidate_position")
        ]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """One member evaluated for a poll's electorate when it opened.

    `eligible` members make up the electorate; the others keep the reason they were left out
    (the standing explanation). `voted` is the only thing a ballot changes here: no time, no
    link to the ballot.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField()
    reason = models.TextField(blank=True)
    weight = models.PositiveIntegerField(default=1)
    voted = models.BooleanField(default=False)
    receipt_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="voter_once_per_poll"),
            models.CheckConstraint(
                condition=Q(eligible=True) | Q(voted=False), name="voter_eligible"
            ),
        ]

    def __str__(self) -> str:
        return f"voter {self.member_id} in poll {self.poll_id}"


class SealedBallot(models.Model):
    """A secret ballot while its poll is open: encrypted with the poll's key, padded to the
    poll's one size, under a random id. `token` is a keyed hash of the voter (it cannot be
    computed without the key, which is not in the database): the unique constraint makes a
    second ballot from the same voter impossible. Deleted at close."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    box = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "token"], name="sealed_ballot_once_per_voter")
        ]

    def __str__(self) -> str:
        return "sealed ballot"  # never its id nor its contents (error pages, logs)


class Ballot(models.Model):
    """A published ballot: in a secret poll written at close in random order under a random
    id, with no voter; in a named poll with its voter (a roll call) when cast.

    `content`: a motion {"vote": "yes"|"no"|"abstain"}; a ranked ballot {"ranking": [candidate
    positions, most preferred first]}; plurality and approval {"choices": [positions]}.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    content = models.JSONField()
    weight = models.PositiveIntegerField(default=1)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "member"],
                condition=Q(member__isnull=False),
                name="named_ballot_once_per_voter",
            )
        ]

    def __str__(self) -> str:
        return "ballot"  # never its contents (error pages, logs)


class EnteredCount(models.Model):
    """A hand count typed in by the tellers (entered mode): one row per option."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="entered")
    option = models.CharField(max_length=200)
    votes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "option"], name="entered_count_option")
        ]

    def __str__(self) -> str:
        return f"{self.option}: {self.votes}"
