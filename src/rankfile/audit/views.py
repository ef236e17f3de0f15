"""The audit log as each person may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rankfile.audit.models import AuditEvent
from rankfile.members.access import Everywhere, viewer_for


def visible_events(user: object) -> QuerySet[AuditEvent]:
    """Members see events about themselves, officers their branches', the appeals body all."""
    viewer = viewer_for(user)
    scope = viewer.scope("audit.view")
    events = AuditEvent.objects.all()
    if isinstance(scope, Everywhere):
        return events
    condition = Q(branch_id__in=scope)
    if viewer.member is not None:
        condition |= Q(member_id=viewer.member.pk)
    return events.filter(condition) if (scope or viewer.member) else events.none()


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = visible_events(request.user).select_related("actor").order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": action})
