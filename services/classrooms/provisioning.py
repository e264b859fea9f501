"""What an instructor does to a classroom, as functions the instructor pages and the
REST API share: rosters, sandboxes, resets, suspension, lab assignment and progress."""

from __future__ import annotations

import csv
import io
import secrets

from django.db import transaction
from django.utils import timezone

from services.classrooms import checks, labs, reset
from services.classrooms.models import Classroom, Student
from services.core.accounts import create_account, sign_in_url
from services.core.models import Event

# Students' initial passwords: PASSWORD_GROUPS groups of PASSWORD_GROUP_LENGTH symbols
# drawn uniformly (secrets.choice) from an alphabet without look-alikes (no 0/o, 1/l),
# easy to copy from a printed sheet. Entropy = symbols x log2(alphabet size)
# = 16 x log2(32) = 16 x 5 = 80 bits, above the 60 bits a guessed password must resist
# (tests/classrooms/test_student_passwords.py recomputes it from these constants).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 24 letters + 8 digits = 32
PASSWORD_GROUPS = 4
PASSWORD_GROUP_LENGTH = 4


class RosterError(ValueError):
    """A roster line that is not `name,email`."""


def parse_roster(text: str) -> list[tuple[str, str]]:
    """`name,email` per line (a header line naming `email` is skipped)."""
    rows: list[tuple[str, str]] = []
    for n, row in enumerate(csv.reader(io.StringIO(text.strip())), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if n == 1 and any(cell.strip().lower() == "email" for cell in row):
            continue
        if len(row) < 2 or "@" not in row[1]:
            raise RosterError(f"line {n}: expected `name,email`, got {','.join(row)!r}")
        rows.append((row[0].strip(), row[1].strip().lower()))
    return rows


def generate_password() -> str:
    """A new student's initial password, like `k7wq-3xnm-p9rd-h4tz` (80 bits)."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )
    return "-".join(groups)


def sandbox_email(classroom: Classroom, email: str) -> str:
    """The sandbox's root email: the student's, plus-addressed with the classroom, so a
    student can be in several classrooms (root emails are unique)."""
    local, _, domain = email.partition("@")
    return f"{local}+class{classroom.pk}@{domain}"


def add_student(classroom: Classroom, name: str, email: str, *, sandbox: bool = True) -> Student:
    """Put a student on the roster and, by default, create their sandbox at once."""
    email = email.strip().lower()
    if classroom.students.filter(email=email).exists():
        raise RosterError(f"{email} is already on the roster")
    student = Student.objects.create(classroom=classroom, name=name.strip(), email=email)
    if sandbox:
        create_sandbox(student)
    return student


def add_roster(classroom: Classroom, text: str) -> list[Student]:
    """Every `name,email` line of `text` not on the roster yet, each with a sandbox."""
    added = []
    with transaction.atomic():
        for name, email in parse_roster(text):
            if not classroom.students.filter(email=email).exists():
                added.append(add_student(classroom, name, email))
    return added


def create_sandbox(student: Student) -> Student:
    """A sandbox account for `student` (root sign-in, one access key), set up for the
    classroom's lab if one is assigned."""
    if student.account_id:
        return student
    password = generate_password()
    with transaction.atomic():
        new = create_account(sandbox_email(student.classroom, student.email), password)
        student.account = new.account
        student.initial_password = password
        student.lab_started_at = timezone.now()
        student.save()
    lab = assigned_lab(student.classroom)
    if lab is not None:
        reset.apply_starting_state(lab, new.account)
    return student


def create_sandboxes(classroom: Classroom) -> int:
    missing = list(classroom.students.filter(account__isnull=True))
    for student in missing:
        create_sandbox(student)
    return len(missing)


def credentials(student: Student) -> dict[str, str]:
    """One line of the printable credentials sheet."""
    account = student.account
    key = account.access_keys.filter(user_name="").order_by("created_at").first()
    return {
        "name": student.name,
        "email": student.email,
        "account_id": account.id,
        "sign_in_email": account.root_email,
        "password": student.initial_password,
        "sign_in_url": sign_in_url(account),
        "access_key_id": key.access_key_id if key else "",
        "secret_access_key": key.secret_access_key if key else "",
    }


def assigned_lab(classroom: Classroom) -> labs.Lab | None:
    return labs.get(classroom.lab_slug) if classroom.lab_slug else None


def assign_lab(classroom: Classroom, slug: str, *, reset_sandboxes: bool = True) -> None:
    """Give the class a lab: each sandbox is reset to its starting state (unless told
    not to) and progress counts from now."""
    if slug:
        labs.get(slug)  # LabError for a lab that does not exist
    classroom.lab_slug = slug
    classroom.save(update_fields=["lab_slug"])
    for student in classroom.students.exclude(account__isnull=True):
        if reset_sandboxes:
            reset_sandbox(student)
        else:
            _restart_progress(student)


def _restart_progress(student: Student) -> None:
    student.lab_started_at = timezone.now()
    student.passed_steps = {}
    student.save(update_fields=["lab_started_at", "passed_steps"])


def reset_sandbox(student: Student, *, empty: bool = False) -> None:
    """Delete everything in the student's sandbox and set up the classroom's lab again
    (or leave it empty, with the defaults of a new account)."""
    if student.account is None:
        return
    reset.reset(student.account, None if empty else assigned_lab(student.classroom))
    _restart_progress(student)


def set_suspended(student: Student, suspended: bool) -> None:
    """A suspended sandbox cannot sign in or call any door; resume lets it again."""
    if student.account is None:
        return
    student.account.status = "suspended" if suspended else "active"
    student.account.save(update_fields=["status"])


def delete_classroom(classroom: Classroom) -> None:
    """The classroom, its roster, and every sandbox with everything in it."""
    with transaction.atomic():
        for student in classroom.students.exclude(account__isnull=True):
            account = student.account
            reset.wipe(account)
            account.delete()
        classroom.delete()


def progress(student: Student) -> checks.LabResult | None:
    """The student's result on the classroom's lab. A step once passed stays passed
    (its first pass time is kept), so a later clean-up does not take a grade away."""
    lab = assigned_lab(student.classroom)
    if lab is None or student.account is None:
        return None
    result = checks.evaluate(lab, student.account, since=student.lab_started_at)
    now = timezone.now().isoformat()
    passed = dict(student.passed_steps)
    for step in result.steps:
        key = str(step.number)
        if step.passed and key not in passed:
            passed[key] = now
        if key in passed:
            step.passed_at = passed[key]
    Student.objects.filter(pk=student.pk).update(
        passed_steps=passed, last_checked_at=timezone.now()
    )
    student.passed_steps = passed
    return result


def last_activity(student: Student):
    """The time of the student's latest call through any door, or None."""
    if student.account is None:
        return None
    event = (
        Event.objects.filter(account=student.account)
        .exclude(door="system")
        .order_by("-event_time")
        .first()
    )
    return event.event_time if event else None


def recent_events(student: Student, limit: int = 5) -> list[Event]:
    if student.account is None:
        return []
    return list(
        Event.objects.filter(account=student.account)
        .exclude(door="system")
        .order_by("-event_time")[:limit]
    )
