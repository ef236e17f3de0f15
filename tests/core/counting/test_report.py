"""The result written as a text sheet, as our JSON schema, and as RCTab summary JSON."""

import json
from pathlib import Path

import pytest
from ballot_builders import make
from rcvformats.schemas.universaltabulator import SchemaV0

from rankfile.core.ballots.blt import read_blt
from rankfile.core.ballots.cvr import read_cvr
from rankfile.core.counting.methods import count
from rankfile.core.counting.report import to_json, to_rctab, to_text

HERE = Path(__file__).parent
LEITH = read_blt(HERE / "data" / "scot-elex-edinburgh_2017_ward12-leith-walk.blt")
BURLINGTON = read_cvr(HERE / "data" / "us_vt_btv_2009_03_mayor.normalized.csv")


def golden(name):
    return (HERE / "golden" / name).read_text()


def test_it_writes_the_json_schema_the_docs_describe():
    data = to_json(count(LEITH))
    assert data == json.loads(golden("leith-walk-scottish-stv.json"))
    assert data["method"] == "scottish-stv" and data["seats"] == 4
    assert data["quota"] == "2130.00000"
    assert data["elected"][0] == "Susan RAE (Grn)"
    stage5 = data["rounds"][4]
    assert stage5["tallies"]["Marion DONALDSON (Lab)"] == "1715.96096"
    assert stage5["action"] == "surplus" and stage5["from"] == ["Susan RAE (Grn)"]
    assert data["rounds"][0]["excluded"] == ["Alan Gordon MELVILLE (Ind)"]


def test_it_writes_a_text_sheet_laid_out_like_an_official_one():
    text = to_text(count(LEITH))
    assert text == golden("leith-walk-scottish-stv.txt")
    assert "Quota: 2130.00000" in text
    assert "Stage 5: Surplus of Susan RAE (Grn)" in text


@pytest.mark.parametrize(
    ("ballots", "method"),
    [
        (LEITH, "scottish-stv"),
        (LEITH, "wigm"),
        (BURLINGTON, "irv"),
        (LEITH, "plurality"),
        (make("ABCD", {"AC": 6, "BD": 6, "C": 1, "D": 1}, seats=3), "scottish-stv"),
    ],
)
def test_it_writes_rctab_summaries_that_rcvformats_accepts(ballots, method):
    result = count(ballots, method, seed=1)
    schema = SchemaV0()
    assert schema.validate(to_rctab(result)), schema.last_error()


def test_it_refuses_to_write_meek_as_an_rctab_summary():
    with pytest.raises(ValueError, match="cannot express Meek"):
        to_rctab(count(LEITH, "meek"))


def test_it_writes_the_burlington_rctab_summary():
    data = to_rctab(count(BURLINGTON, "irv"))
    assert data == json.loads(golden("burlington-irv.rctab.json"))
    final = data["results"][-1]
    assert final["tally"] == {"Bob Kiss": "4313", "Kurt Wright": "4060"}
    assert final["tallyResults"] == [{"elected": "Bob Kiss", "transfers": {}}]
    first = data["results"][0]["tallyResults"][0]
    assert first["eliminated"] == "James Simpson"


def test_it_draws_the_rounds_as_an_svg_chart():
    from xml.dom.minidom import parseString

    from rankfile.core.counting.chart import rounds_chart_svg

    result = count(make("AB<", {"A": 4, "B": 2, "<": 1}, seats=1), "irv")
    svg = rounds_chart_svg(result)
    document = parseString(svg)
    assert document.documentElement.tagName == "svg"
    assert ">&lt; <" not in svg and ">&lt;</text>" in svg  # names are escaped
    bars = document.getElementsByTagName("rect")
    assert len(bars) == 3  # A, B and "<" at round 1; A wins outright at round 1
    assert "A ✓" in svg
