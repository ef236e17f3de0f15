"""Who did something, as shown on the record's pages: a person's name and the offices they
held that day, never the email address they log in with (an officer's login is the key to
their powers, and members who fear retaliation should not be handed their officers' private
addresses). The record itself keeps the actor as hashed (`AuditEvent.actor_label`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from rankfile.members.models import Member, Office

SYSTEM = "System (the command line)"
OPERATOR = "An operator of this installation"
GONE = "A deleted account"


def name_actors(
    items: Iterable[Any],
    *,
    actor_id: Callable[[Any], int | None] = lambda item: item.actor_id,
    on: Callable[[Any], datetime.date],
    system: Callable[[Any], bool] = lambda item: item.actor_label == "system",
) -> list[Any]:
    """Set ``who`` on each item (audit events, enforcement actions, member events): the
    actor's name with the offices they held on ``on(item)``. Two queries for any number of
    items. Returns the items as a list."""
    items = list(items)
    user_ids = {actor_id(item) for item in items} - {None}
    names = dict(
        (user_id, f"{first} {last}".strip())
        for user_id, first, last in Member.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "first_name", "last_name"
        )
    )
    offices: dict[int, list[Office]] = {}
    for office in Office.objects.filter(member__user_id__in=user_ids).select_related(
        "branch", "member"
    ):
        offices.setdefault(office.member.user_id, []).append(office)
    for item in items:
        user_id = actor_id(item)
        if user_id is None:
            item.who = SYSTEM if system(item) else GONE
        elif user_id not in names:
            item.who = OPERATOR
        else:
            day = on(item)
            held = [
                str(office)
                for office in offices.get(user_id, [])
                if office.started_on <= day and (office.ended_on is None or office.ended_on >= day)
            ]
            item.who = names[user_id] + (" — " + "; ".join(held) if held else "")
    return items


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()
