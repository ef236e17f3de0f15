"""Polls in the back office, read-only: every change goes through the voting actions (and the
record). Sealed ballots are not listed at all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rankfile.audit.backoffice import ReadOnlyAdmin, ReadOnlyInline
from rankfile.voting.models import Ballot, EnteredCount, Poll, PollCandidate, PollState, Voter


class CandidateInline(ReadOnlyInline):
    model = PollCandidate
    fields = ("position", "name", "member")
    readonly_fields = fields


@admin.register(Poll)
class PollAdmin(ReadOnlyAdmin):
    list_display = ("title", "body_name", "kind", "mode", "state", "electorate_size", "closed_at")
    list_filter = ("state", "kind", "mode")
    search_fields = ("title",)
    exclude = ("key_id", "result_svg")
    inlines = [CandidateInline]


@admin.register(Voter)
class VoterAdmin(ReadOnlyAdmin):
    list_display = ("poll", "member", "eligible", "weight", "voted")
    list_filter = ("eligible", "voted")
    exclude = ("receipt_hash",)
    raw_id_fields = ("poll", "member")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    """Ballots of closed polls only: a named poll's ballots exist while it is open, and
    results are hidden from everyone, administrators included, until the close."""

    list_display = ("id", "poll", "weight", "member")
    raw_id_fields = ("poll", "member")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(poll__state=PollState.CLOSED)


@admin.register(EnteredCount)
class EnteredCountAdmin(ReadOnlyAdmin):
    list_display = ("poll", "option", "votes")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(poll__state=PollState.CLOSED)
