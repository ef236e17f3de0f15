"""The demo's polls: closed results to read, and an open poll the member persona can vote in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from rankfile.accounts.models import User
from rankfile.demo import load_demo
from rankfile.voting.models import Poll

pytestmark = pytest.mark.django_db


def test_the_demo_has_closed_results_and_an_open_poll_for_the_member(client: Client) -> None:
    context = load_demo(members=600)
    committee, budget, strike, council = (Poll.objects.get(pk=pk) for pk in context.data["polls"])
    assert committee.state == "closed" and len(committee.result["elected"]) == 3
    assert committee.mode == "secret" and committee.method == "scottish-stv"
    assert budget.result["outcome"] in ("carried", "failed")
    assert strike.mode == "named" and strike.ballots.filter(member__isnull=False).exists()
    assert council.state == "open" and council.mode == "secret"
    client.force_login(User.objects.get(email="member@demo.rankfile.org"))
    assert escape(council.title) in client.get("/").content.decode()
    page = client.get(f"/polls/{council.pk}/").content.decode()
    assert "Review my ballot" in page
