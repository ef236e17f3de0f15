"""The hash chain's rules, without a database."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rankfile.core.chain import (
    GENESIS_HASH,
    Anchor,
    canonical_bytes,
    canonical_json,
    event_hash,
    row_bytes,
    verify_chain,
    verify_rows,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
event_fields = st.fixed_dictionaries(
    {
        "seq": st.integers(min_value=1, max_value=10**12),
        "at": st.text(),
        "actor": st.text(),
        "action": st.text(),
        "target_type": st.text(),
        "target_id": st.text(),
        "reason": st.text(),
        "payload": st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    }
)
hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


def as_row(fields, prev_hash, hash_=""):
    return (
        fields["seq"],
        fields["at"],
        fields["actor"],
        fields["action"],
        fields["target_type"],
        fields["target_id"],
        fields["reason"],
        canonical_json(fields["payload"]),
        prev_hash,
        hash_,
    )


def chain_of(count):
    events, prev_hash = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "at": f"2026-11-25T16:00:{seq:02d}.000000+00:00",
            "actor": "secretary@example.org",
            "action": "member.lapsed",
            "target_type": "members.member",
            "target_id": str(seq),
            "reason": "Dues unpaid",
            "payload": {"month": seq},
        }
        hash_ = event_hash(fields, prev_hash)
        events.append({**fields, "prev_hash": prev_hash, "hash": hash_})
        prev_hash = hash_
    return events


@settings(deadline=None)  # a loaded machine must not fail a test about bytes
@given(event_fields, hashes)
def test_the_fast_form_is_byte_for_byte_the_canonical_form(fields, prev_hash):
    try:
        expected = canonical_bytes(fields, prev_hash)
    except UnicodeEncodeError:  # lone surrogates cannot be hashed either way
        with pytest.raises(UnicodeEncodeError):
            row_bytes(as_row(fields, prev_hash))
        return
    assert row_bytes(as_row(fields, prev_hash)) == expected


@settings(deadline=None)
@given(json_values)
def test_canonical_json_reads_back_to_the_same_value(value):
    text = canonical_json(value)
    assert json.loads(text) == value
    assert canonical_json(json.loads(json.dumps(value, indent=2))) == text


def test_the_canonical_form_sorts_keys_and_keeps_characters():
    fields = chain_of(1)[0]
    fields = {**fields, "payload": {"b": 1, "a": {"é": "同志"}}}
    assert canonical_bytes(fields, GENESIS_HASH).decode() == (
        '{"action":"member.lapsed","actor":"secretary@example.org",'
        '"at":"2026-11-25T16:00:01.000000+00:00","payload":{"a":{"é":"同志"},"b":1},'
        f'"prev_hash":"{GENESIS_HASH}","reason":"Dues unpaid","seq":1,'
        '"target_id":"1","target_type":"members.member"}'
    )


def test_an_intact_chain_verifies_to_its_head():
    events = chain_of(5)
    result = verify_chain(events)
    assert (result.ok, result.checked, result.head_hash) == (True, 5, events[-1]["hash"])


def test_payload_text_in_another_form_verifies_when_its_value_was_hashed():
    [event] = chain_of(1)
    row = (
        *as_row(event, GENESIS_HASH, event["hash"])[:7],
        '{ "month" : 1 }',
        *[GENESIS_HASH, event["hash"]],
    )
    assert verify_rows([row]).ok
    tampered = (*row[:7], '{"month": 2}', *row[8:])
    assert verify_rows([tampered]).broken.seq == 1
    assert verify_rows([row], payload_canonical=False).ok
    assert verify_rows([tampered], payload_canonical=False).broken.seq == 1


@pytest.mark.parametrize("bad_value", [None, 3, b"bytes"])
def test_a_field_of_the_wrong_type_is_a_change_not_a_crash(bad_value):
    [event] = chain_of(1)
    assert verify_chain([{**event, "reason": bad_value}]).broken.seq == 1


def test_payload_text_that_is_not_json_is_a_change():
    [event] = chain_of(1)
    row = (*as_row(event, GENESIS_HASH, event["hash"])[:7], "{month", GENESIS_HASH, event["hash"])
    assert verify_rows([row]).broken.seq == 1


def test_a_repeated_sequence_number_is_named():
    events = chain_of(3)
    broken = verify_chain([events[0], events[1], events[1], events[2]]).broken
    assert str(broken) == (
        "event 2: it comes again after event 2 (an event was inserted or the events were reordered)"
    )


def test_an_anchor_reads_what_audit_head_prints():
    assert Anchor.parse(f" 12:{'AB' * 32}\n") == Anchor(12, "ab" * 32)
    for text in ["12", f"x:{'ab' * 32}", "12:abc", f"12:{'g' * 64}"]:
        with pytest.raises(ValueError, match="an anchor is SEQ:HASH"):
            Anchor.parse(text)


def test_an_anchor_at_the_genesis_holds_for_any_chain():
    assert verify_chain(chain_of(2), [Anchor(0, GENESIS_HASH)]).ok
    assert verify_chain(chain_of(2), [Anchor(0, "ab" * 32)]).broken.seq == 0


event_fields_v2 = st.builds(
    lambda fields, label, member, branch: {
        **fields,
        "format": 2,
        "target_label": label,
        "member": member,
        "branch": branch,
    },
    event_fields,
    st.text(),
    st.none() | st.integers(min_value=1, max_value=2**63 - 1),
    st.none() | st.integers(min_value=1, max_value=2**63 - 1),
)


def as_row_v2(fields, prev_hash, hash_=""):
    return (
        *as_row(fields, prev_hash, hash_),
        2,
        fields["target_label"],
        fields["member"],
        fields["branch"],
    )


@settings(deadline=None)
@given(event_fields_v2, hashes)
def test_the_fast_form_of_format_2_is_byte_for_byte_the_canonical_form(fields, prev_hash):
    try:
        expected = canonical_bytes(fields, prev_hash)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            row_bytes(as_row_v2(fields, prev_hash))
        return
    assert row_bytes(as_row_v2(fields, prev_hash)) == expected


def test_format_2_also_hashes_what_the_record_page_shows():
    """The example in docs/audit.md, "What is hashed"."""
    fields = {
        "format": 2,
        "seq": 12,
        "at": "2026-11-25T16:01:13.123456+00:00",
        "actor": "secretary@example.org",
        "action": "member.lapsed",
        "target_type": "members.member",
        "target_id": "12",
        "target_label": "Dana Okafor",
        "reason": "Dues unpaid",
        "payload": {"member_number": "A-00012", "branch": "north"},
        "member": 12,
        "branch": 3,
    }
    assert canonical_bytes(fields, "<64 hex digits>").decode() == (
        '{"action":"member.lapsed","actor":"secretary@example.org",'
        '"at":"2026-11-25T16:01:13.123456+00:00","branch":3,"member":12,'
        '"payload":{"branch":"north","member_number":"A-00012"},'
        '"prev_hash":"<64 hex digits>","reason":"Dues unpaid","seq":12,"target_id":"12",'
        '"target_label":"Dana Okafor","target_type":"members.member"}'
    )
    hashed = event_hash(fields, GENESIS_HASH)
    for name, other in [("target_label", "Someone else"), ("member", 13), ("branch", None)]:
        assert event_hash({**fields, name: other}, GENESIS_HASH) != hashed, name
    assert event_hash({**fields, "format": 1}, GENESIS_HASH) != hashed
