"""Scottish STV reproduces the official result sheet of a real election."""

import json
from decimal import Decimal
from pathlib import Path

from rankfile.core.ballots.blt import read_blt
from rankfile.core.counting.gregory import count_scottish_stv

DATA = Path(__file__).parent / "data"
OFFICIAL = json.loads((DATA / "leith-walk-2017-official.json").read_text())


def leith_walk():
    return count_scottish_stv(read_blt(DATA / "scot-elex-edinburgh_2017_ward12-leith-walk.blt"))


def test_it_computes_the_official_quota():
    result = leith_walk()
    assert result.valid == OFFICIAL["valid_poll"]
    assert result.quota == OFFICIAL["quota"]


def test_it_reproduces_every_figure_of_every_stage_of_the_official_sheet():
    result = leith_walk()
    ours = {
        result.name(c): [result.fmt(r.tallies[c]) for r in result.rounds]
        for c in range(len(result.candidates))
    }
    official = {
        name: [Decimal(v).quantize(Decimal("0.00001")) for v in stages]
        for name, stages in OFFICIAL["stages"].items()
    }
    assert {name: [Decimal(v) for v in vs] for name, vs in ours.items()} == official
    assert len(result.rounds) == 9


def test_it_elects_the_official_winners_in_the_official_order():
    result = leith_walk()
    assert [result.name(c) for c in result.elected] == OFFICIAL["elected_in_order"]


def test_it_says_who_was_excluded_at_each_stage_and_why():
    result = leith_walk()
    excluded = [[result.name(c) for c in r.excluded] for r in result.rounds]
    assert excluded[:3] == [
        ["Alan Gordon MELVILLE (Ind)"],
        ["David Don JACOBSEN (SocLab)"],
        ["Vita ZAPOROZCENKO (LD)"],
    ]
    assert result.rounds[0].decisions[0].reason == "lowest number of votes"
    assert [r.action for r in result.rounds] == [
        "first-preferences",
        "exclusion",
        "exclusion",
        "exclusion",
        "surplus",
        "exclusion",
        "exclusion",
        "surplus",
        "exclusion",
    ]


def test_it_accounts_for_every_vote_at_every_stage():
    result = leith_walk()
    for r in result.rounds:
        assert sum(r.tallies.values()) + r.exhausted + r.loss == 10_649


def test_it_transfers_a_surplus_at_the_truncated_transfer_value():
    result = leith_walk()
    # Rae's 2,246 votes, surplus 116: 116 / 2246 = 0.051647... truncated to 0.05164.
    surplus_round = result.rounds[4]
    donaldson = result.candidates.index("Marion DONALDSON (Lab)")
    assert result.fmt(surplus_round.transfers[donaldson]) == "23.96096"  # 464 papers x 0.05164
