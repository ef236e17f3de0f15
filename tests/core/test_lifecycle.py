import datetime

import pytest

from rankfile.core import lifecycle


def test_it_derives_the_status_from_dated_events_in_date_order():
    events = [
        (datetime.date(2020, 3, 1), lifecycle.LAPSED_EVENT),
        (datetime.date(2019, 1, 1), lifecycle.ADMITTED),
        (datetime.date(2021, 5, 1), lifecycle.REINSTATED),
    ]
    assert lifecycle.status_after(events) == lifecycle.MEMBER


def test_it_refuses_an_event_that_cannot_follow_the_status():
    with pytest.raises(lifecycle.LifecycleError, match="'reinstated' cannot be recorded"):
        lifecycle.next_status(lifecycle.MEMBER, lifecycle.REINSTATED)


def test_a_transfer_keeps_the_status():
    assert lifecycle.next_status(lifecycle.LAPSED, lifecycle.TRANSFERRED) == lifecycle.LAPSED
