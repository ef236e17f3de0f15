"""The organization, its branches, its members and their offices."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rankfile.core import lifecycle

# Fields of a member that ordinary members may see in the directory, when the organization
# makes them visible. Contact details are never among the defaults.
DIRECTORY_FIELD_CHOICES = [
    ("member_number", "Member number"),
    ("branch", "Branch"),
    ("joined_on", "Joined"),
    ("status", "Status"),
    ("email", "Email"),
    ("phone", "Phone"),
]
DEFAULT_DIRECTORY_FIELDS = ["branch", "joined_on", "status"]


def default_directory_fields() -> list[str]:
    return list(DEFAULT_DIRECTORY_FIELDS)


class MemberDirectory(models.TextChoices):
    """What members who hold no office see of the roster: an organization's choice, made on
    the record (members.actions.do_set_member_directory). Officers always see the members of
    the branches their offices cover."""

    OFFICERS = "officers", "Only officers, for the branches their offices cover"
    OWN_BRANCH = "own_branch", "Members also see the names of their own branch's members"


class Organization(models.Model):
    """The one organization this installation serves (a singleton row)."""

    name = models.CharField(max_length=200, default="Our organization")
    short_name = models.CharField(max_length=50, blank=True)
    member_number_prefix = models.CharField(
        max_length=10, blank=True, help_text="Prefix for generated member numbers."
    )
    directory_fields = models.JSONField(
        default=default_directory_fields,
        help_text="Fields of other members that every member may see in the directory.",
    )
    # How members pay dues, as the treasurer's office says it (dues/owed.py shows it with
    # what a member owes, on the standing and dues pages and in arrears notices).
    dues_instructions = models.TextField(
        "how to pay dues",
        blank=True,
        max_length=2000,
        help_text="E.g. the bank account and the reference to give, or where to pay in person.",
    )
    dues_payment_url = models.URLField(
        "payment page", blank=True, help_text="A page where members pay dues online."
    )
    member_directory = models.CharField(
        max_length=20,
        choices=MemberDirectory.choices,
        default=MemberDirectory.OFFICERS,
        help_text="What members who hold no office see of the roster.",
    )

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organization:
        organization = cls.objects.order_by("pk").first()
        if organization is None:
            organization = cls(name="Rank and File")
        return organization


class BranchQuerySet(models.QuerySet["Branch"]):
    def active(self, on: datetime.date | None = None) -> BranchQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))


class Branch(models.Model):
    """A unit of the organization: national → region → branch."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    founded_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="branch_dissolved_after_founded",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> set[int]:
        """This branch and every branch below it (one query for the whole tree)."""
        return subtree_ids([self.pk])


def subtree_ids(root_ids: list[int]) -> set[int]:
    parents = dict(Branch.objects.values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [pk for pk in root_ids if pk in parents]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


class MemberQuerySet(models.QuerySet["Member"]):
    def in_branches(self, branch_ids: set[int]) -> MemberQuerySet:
        return self.filter(branch_id__in=branch_ids)

    def current(self) -> MemberQuerySet:
        """Members who belong now (not applicants, not former members)."""
        return self.filter(status__in=lifecycle.CURRENT_STATUSES)

    def search(self, text: str) -> MemberQuerySet:
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(last_name__istartswith=word)
                | Q(first_name__istartswith=word)
                | Q(member_number__iexact=word)
            )
        return qs


class Member(models.Model):
    member_number = models.CharField(max_length=40, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, help_text="Postal address")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members")
    joined_on = models.DateField(null=True, blank=True)
    # Written only by members.actions together with the MemberEvent it follows from:
    # status == lifecycle.status_after(events). See docs/code-map.md.
    status = models.CharField(
        max_length=20, choices=lifecycle.STATUS_CHOICES, default=lifecycle.APPLICANT
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "member_number"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "member_number"]),
            models.Index(fields=["first_name"]),
            models.Index(fields=["branch", "last_name", "first_name", "member_number"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("member", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class MemberEvent(models.Model):
    """A dated change in a member's lifecycle, with its reason and who recorded it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=lifecycle.EVENT_CHOICES)
    on = models.DateField()
    reason = models.TextField(blank=True)
    statement = models.TextField(blank=True, help_text="A resigning member's own statement.")
    from_branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["member", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    SECRETARY = "secretary", "Secretary"
    TREASURER = "treasurer", "Treasurer"
    ORGANIZER = "organizer", "Organizer"
    CREDENTIALS = "credentials", "Credentials committee"
    APPEALS = "appeals", "Appeals body"


class OfficeQuerySet(models.QuerySet["Office"]):
    def held_on(self, on: datetime.date | None = None) -> OfficeQuerySet:
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )


class Office(models.Model):
    """A role held by a member, over one branch (and the branches below it) or the whole
    organization (branch empty), from a start date to an optional end date."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="offices")
    role = models.CharField(max_length=20, choices=Role.choices)
    branch = models.ForeignKey(
        Branch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
        help_text="Empty: the whole organization.",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["role", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="office_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        scope = self.branch.name if self.branch_id and self.branch else "whole organization"
        return f"{self.get_role_display()} ({scope})"

    def describe(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "branch": self.branch.slug if self.branch else None,
            "started_on": self.started_on.isoformat(),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
        }


class ImportJob(models.Model):
    """A members file uploaded on the web: checked once (its plan kept for the preview),
    then applied all or nothing. Big files are checked and applied by the task worker
    (members/import_jobs.py); the job's state is written in the same transaction as what it
    describes, so it never contradicts the database. The file itself is kept in the database
    (ImportFileChunk) until the job is done, so any app server or worker can read it."""

    CHECKING = "checking"
    UPLOADED = "uploaded"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUS_CHOICES = [
        (CHECKING, "Being checked"),
        (UPLOADED, "Checked, ready to apply"),
        (QUEUED, "Being applied"),
        (RUNNING, "Running"),  # jobs of earlier versions
        (DONE, "Done"),
        (FAILED, "Failed, nothing imported"),
    ]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=UPLOADED)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # counts when done; counts, errors (first ones) or the failure message when failed;
    # the plan's counts, warnings, encoding and delimiter once checked
    result = models.JSONField(default=dict, blank=True)
    # The task (django-tasks) checking or applying the file, while there is one.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display()})"


class ImportFileChunk(models.Model):
    """One megabyte of an uploaded import file, kept until its job is done."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "seq"], name="import_chunk_once"),
        ]

    def __str__(self) -> str:
        return f"chunk {self.seq} of import {self.job_id}"


class ImportPlanEntry(models.Model):
    """One line of a checked import's preview: a member to add, a member to change (with
    the changes) or an error. The first few thousand of each are kept, paged on the preview."""

    CREATE = "create"
    UPDATE = "update"
    ERROR = "error"
    KIND_CHOICES = [(CREATE, "To add"), (UPDATE, "To change"), (ERROR, "Error")]

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    line = models.PositiveIntegerField()
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["job", "kind", "line"])]

    def __str__(self) -> str:
        return f"{self.kind} on line {self.line} of import {self.job_id}"
