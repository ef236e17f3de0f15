"""Verifying the stored audit log: the chain recomputed over every event, streamed from the
database in sequence order without building model instances.

On SQLite and PostgreSQL one raw query builds each event's canonical bytes, and Python only
hashes them; elsewhere the events come through values_list and Python builds the bytes.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.core.chain import (
    GENESIS_HASH,
    ROW_FIELDS,
    Anchor,
    Break,
    Verification,
    canonical_json,
    verify_documents,
    verify_rows,
)

CHUNK_SIZE = 10_000
HEAD_RECORD = "the log's head record"

# Model field names in ROW_FIELDS order.
_FIELD_NAMES = tuple("actor_label" if name == "actor" else name for name in ROW_FIELDS)
# What, besides events, shows that the log is not new: rows of models that only actions
# write, each with an event (see `_missing_history`). Uploads waiting to be applied
# (members.ImportJob, dues.StagedImport) are not among them.
RECORDED_MODELS = (
    "members.Organization",
    "members.Branch",
    "members.Member",
    "members.MemberEvent",
    "members.Office",
    "dues.DuesPlan",
    "dues.MemberPlan",
    "dues.Payment",
    "dues.CheckoffAuthorization",
    "dues.Waiver",
    "dues.ImportBatch",
    "standing.RuleSetVersion",
    "standing.Snapshot",
    "standing.EnforcementAction",
    "conventions.Convention",
    "conventions.ApportionmentTable",
)

# How each database renders the stored time exactly as append_event hashed it:
# datetime.isoformat(timespec="microseconds") of the UTC time.
_AT_SQL = {
    # Django keeps UTC times on SQLite as text 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    "sqlite": (
        "CASE WHEN substr({at}, 11, 1) = ' ' THEN substr({at}, 1, 10) || 'T' || "
        "substr({at}, 12) || CASE WHEN length({at}) = 19 THEN '.000000' ELSE '' END "
        "|| '+00:00' ELSE {at} END"
    ),
    "postgresql": "to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
}
_PAYLOAD_SQL = {"sqlite": "{payload}", "postgresql": "{payload}::text"}

# The database builds core.chain's canonical bytes itself and Python only hashes them.
# SQLite's json_quote and PostgreSQL's to_json escape strings as json.dumps does (where
# they would not, verify_documents checks the event again from its fields in Python).
_DOCUMENT = (
    """'{{"action":' || {quote_action} || ',"actor":' || {quote_actor}"""
    """ || ',"at":' || {quote_at} || ',"payload":' || {payload}"""
    """ || ',"prev_hash":"' || {prev_hash} || '","reason":' || {quote_reason}"""
    """ || ',"seq":' || {seq} || ',"target_id":' || {quote_target_id}"""
    """ || ',"target_type":' || {quote_target_type} || '}}'"""
)
_DOCUMENT_V2 = (
    """'{{"action":' || {quote_action} || ',"actor":' || {quote_actor}"""
    """ || ',"at":' || {quote_at} || ',"branch":' || {id_branch}"""
    """ || ',"member":' || {id_member} || ',"payload":' || {payload}"""
    """ || ',"prev_hash":"' || {prev_hash} || '","reason":' || {quote_reason}"""
    """ || ',"seq":' || {seq} || ',"target_id":' || {quote_target_id}"""
    """ || ',"target_label":' || {quote_target_label}"""
    """ || ',"target_type":' || {quote_target_type} || '}}'"""
)
_BY_FORMAT = "CASE {format} WHEN 1 THEN {document_v1} WHEN 2 THEN {document_v2} END"
_ID = {
    "sqlite": "COALESCE(CAST({} AS TEXT), 'null')",
    "postgresql": "COALESCE(CAST({} AS text), 'null')",
}
_QUOTE = {"sqlite": "json_quote({})", "postgresql": "to_json({})::text"}
_AS_BYTES = {
    # SQLite columns take any type: a field that is not text (a NULL, a number written in
    # by hand) gives no document, hence a check from the fields.
    "sqlite": (
        "CASE WHEN typeof({action}) = 'text' AND typeof({actor}) = 'text' "
        "AND typeof({at_column}) = 'text' AND typeof({payload}) = 'text' "
        "AND typeof({reason}) = 'text' AND typeof({target_id}) = 'text' "
        "AND typeof({target_type}) = 'text' AND typeof({target_label}) = 'text' "
        "AND typeof({member}) IN ('integer', 'null') AND typeof({branch}) IN ('integer', 'null') "
        "AND typeof({format}) = 'integer' THEN CAST({document} AS BLOB) END"
    ),
    "postgresql": "convert_to({document}, 'UTF8')",
}


def verify_audit_log(
    anchors: Iterable[Anchor] = (),
    *,
    using: str = DEFAULT_DB_ALIAS,
    fast: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> Verification:
    """Recompute the whole chain and name the first broken link.

    Besides the given anchors (heads recorded outside the database), the log's own head
    record must name an event of the chain: removing the last events without also
    rewriting that record is caught. It is read before the events, so appends that commit
    meanwhile only lengthen the chain past it. A log without its head record, or an empty
    log in a database that holds what only actions write, is broken too: events were
    removed (see `_missing_history`).
    """
    head = AuditHead.objects.using(using).filter(pk=1).values_list("seq", "hash").first()
    all_anchors = list(anchors)
    if head is not None and (head[0] > 0 or head[1] != GENESIS_HASH):
        all_anchors.append(Anchor(head[0], head[1], HEAD_RECORD))
    result = _verify_events(all_anchors, using, fast, chunk_size)
    if result.ok:
        broken = _missing_history(head, result.checked, using)
        if broken is not None:
            return Verification(result.checked, result.head_hash, broken)
    return result


def _verify_events(
    anchors: Sequence[Anchor], using: str, fast: bool, chunk_size: int
) -> Verification:
    connection = connections[using]
    if fast and _raw_query_supported(using):
        if connection.vendor == "postgresql":
            # A server-side cursor, so the events are streamed, lives inside a transaction.
            with transaction.atomic(using=using):
                return _verify_raw(using, anchors, chunk_size)
        # No transaction on SQLite: IMMEDIATE transactions would hold the write lock.
        return _verify_raw(using, anchors, chunk_size)
    return verify_rows(_model_rows(using, chunk_size), anchors)


def _missing_history(head: tuple[int, str] | None, checked: int, using: str) -> Break | None:
    """Why a chain that holds together is still not the whole log, if it is not.

    A chain with no events holds trivially, so "delete every event and the head record"
    would otherwise verify as an empty log. A log is truly new only when the database holds
    nothing an action wrote: every row of the RECORDED_MODELS (organization, branches,
    members, offices, dues, rules, snapshots, conventions) is written by an action that
    appends an event in the same transaction, so any such row beside an empty log means
    events were removed. The head record is created with the database (migration
    audit.0003) and only ever moved forward, so a log with events and no head record, or a
    head record at the genesis, has lost it.
    """
    if checked == 0 and _recorded_data_exists(using):
        return Break(
            1,
            "it is missing: the log is empty, but the database holds members, branches "
            "or other records that are written only with an event on the log "
            "(the events were removed)",
        )
    if head is None and checked > 0:
        return Break(
            checked + 1,
            f"{HEAD_RECORD} is missing, so nothing shows whether events after "
            f"event {checked} were removed (the head record was deleted)",
        )
    if head is not None and head[0] == 0 and checked > 0:
        return Break(
            checked + 1,
            f"{HEAD_RECORD} is back at the genesis, so nothing shows whether events after "
            f"event {checked} were removed (the head record was reset)",
        )
    return None


def _recorded_data_exists(using: str) -> bool:
    return any(
        apps.get_model(label)._default_manager.using(using).exists() for label in RECORDED_MODELS
    )


def latest_event(using: str = DEFAULT_DB_ALIAS) -> Anchor:
    """The last event's sequence number and hash (0 and the genesis hash for an empty log),
    to record outside the database and check later with `verify_audit_log`."""
    last = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return Anchor(0, GENESIS_HASH)
    return Anchor(last[0], last[1])


def _raw_query_supported(using: str) -> bool:
    connection = connections[using]
    if connection.vendor == "sqlite":
        # The SQL above assumes Django stored UTC (no TIME_ZONE for the database).
        return connection.timezone_name == "UTC"
    return connection.vendor in _AT_SQL


def _verify_raw(using: str, anchors: Sequence[Anchor], chunk_size: int) -> Verification:
    connection = connections[using]
    vendor = connection.vendor
    quote = connection.ops.quote_name
    columns = {
        name: quote(AuditEvent._meta.get_field(field_name).column)
        for name, field_name in zip(ROW_FIELDS, _FIELD_NAMES, strict=True)
    }
    at_column = columns["at"]
    columns["at"] = _AT_SQL[vendor].format(at=at_column)
    columns["payload"] = _PAYLOAD_SQL[vendor].format(payload=columns["payload"])
    quoted = {
        f"quote_{name}": _QUOTE[vendor].format(columns[name])
        for name in ("action", "actor", "at", "reason", "target_id", "target_type", "target_label")
    }
    ids = {f"id_{name}": _ID[vendor].format(columns[name]) for name in ("member", "branch")}
    by_format = _BY_FORMAT.format(
        format=columns["format"],
        document_v1=_DOCUMENT.format(**quoted, **columns),
        document_v2=_DOCUMENT_V2.format(**quoted, **ids, **columns),
    )
    document = _AS_BYTES[vendor].format(document=by_format, at_column=at_column, **columns)
    # Only names from the model's own metadata go into this SQL, no input.
    table = quote(AuditEvent._meta.db_table)
    fields_sql = "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608
        ", ".join(columns[name] for name in ROW_FIELDS), table, columns["seq"]
    )
    documents_sql = "SELECT {}, {}, {}, {} FROM {} ORDER BY {}".format(  # noqa: S608
        columns["seq"], columns["prev_hash"], columns["hash"], document, table, columns["seq"]
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(documents_sql)
        fields_of = partial(_fields_of, using, fields_sql)
        return verify_documents(_chunked(cursor, chunk_size), fields_of, anchors)


def _chunked(cursor: Any, chunk_size: int) -> Iterator[Sequence[Any]]:
    return itertools.chain.from_iterable(iter(partial(cursor.fetchmany, chunk_size), []))


def _fields_of(using: str, sql: str, seq: int) -> Sequence[Any] | None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [seq])
        row: Sequence[Any] | None = cursor.fetchone()
        return row


def _model_rows(using: str, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    events = (
        AuditEvent.objects.using(using)
        .order_by("seq")
        .values_list(*_FIELD_NAMES)
        .iterator(chunk_size=chunk_size)
    )
    for row in events:
        at = row[1]
        if isinstance(at, datetime.datetime):
            at = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        yield (*row[:1], at, *row[2:7], canonical_json(row[7]), *row[8:])
