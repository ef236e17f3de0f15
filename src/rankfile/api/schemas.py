from __future__ import annotations

import datetime

from ninja import Schema


class BranchOut(Schema):
    slug: str
    name: str
    parent: str | None
    founded_on: datetime.date | None
    dissolved_on: datetime.date | None


class OfficeOut(Schema):
    role: str
    branch: str | None
    started_on: datetime.date
    ended_on: datetime.date | None


class MemberOut(Schema):
    id: int
    first_name: str
    last_name: str
    branch: str
    member_number: str | None = None
    status: str | None = None
    joined_on: datetime.date | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class MemberPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MemberOut]


class MemberEventIn(Schema):
    kind: str
    on: datetime.date
    reason: str
    to_branch: str | None = None


class MemberEventOut(Schema):
    kind: str
    on: datetime.date
    reason: str
    from_branch: str | None = None
    to_branch: str | None = None


class MeOut(Schema):
    email: str
    member: MemberOut | None
    offices: list[OfficeOut]


class AuditEventOut(Schema):
    seq: int
    at: datetime.datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    target: str
    reason: str
    payload: dict
    hash: str
    prev_hash: str


class AuditPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AuditEventOut]


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None
