"""The audit log as each person may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rankfile.members.access import visible_events
from rankfile.members.actors import local_day, name_actors


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = visible_events(request.user).order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Names and offices, never the login email the record keeps (members/actors.py).
    name_actors(page.object_list, on=lambda event: local_day(event.at))
    return render(request, "audit/log.html", {"page": page, "action": action})
