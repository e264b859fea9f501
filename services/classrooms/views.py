"""The instructor area (/instructor/): sign-in, classrooms, rosters, sandboxes, limits,
the live grid of students by steps, a read-only look into a sandbox, and the CSV export.

Instructors are Django auth users, apart from sandbox accounts; an instructor sees
only their own classrooms (any other is a 404)."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import get_user, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from services.classrooms import catalog, forms, labs, provisioning
from services.classrooms.models import Classroom, Student
from services.classrooms.signin import authenticate_instructor
from services.core import signin_guard


def instructor_required(view: Callable) -> Callable:
    """The view needs a signed-in instructor (Django's auth session; the console's
    middleware does not load it, so it is read here, for these pages only)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.user = get_user(request)
        if not request.user.is_authenticated:
            target = reverse("classrooms:signin") + "?next=" + request.get_full_path()
            return HttpResponseRedirect(target)
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"instructor": getattr(request, "user", None), **context}
    response = render(request, template, context, status=status)
    response.console_rendered = True  # not a console page: keep our own 404s
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return _page(request, "classrooms/not_found.html", {}, status=404)


def _classroom(request: HttpRequest, pk: int) -> Classroom | None:
    return Classroom.objects.filter(pk=pk, instructor=request.user).first()


def _student(room: Classroom, pk: int) -> Student | None:
    return room.students.select_related("account").filter(pk=pk).first()


def signin(request: HttpRequest) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        try:
            user = authenticate_instructor(
                request, request.POST.get("username", ""), request.POST.get("password", "")
            )
        except signin_guard.LockedOut as locked:
            user, error, status = None, locked.message, 429
        if user is not None:
            login(request, user)
            target = request.POST.get("next") or ""
            if not target.startswith("/instructor/"):
                target = reverse("classrooms:home")
            return HttpResponseRedirect(target)
        error = error or "Your user name or password is incorrect."
    context = {"error": error, "next": request.GET.get("next", "")}
    return _page(request, "classrooms/signin.html", context, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("classrooms:signin"))


@instructor_required
def home(request: HttpRequest) -> HttpResponse:
    form = forms.ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        room = Classroom.objects.create(instructor=request.user, name=form.cleaned_data["name"])
        return HttpResponseRedirect(reverse("classrooms:classroom", args=[room.pk]))
    rooms = request.user.classrooms.all()
    return _page(request, "classrooms/home.html", {"classrooms": rooms, "form": form})


def _grid(room: Classroom) -> dict:
    lab = provisioning.assigned_lab(room)
    rows = []
    for student in room.students.select_related("account"):
        result = provisioning.progress(student) if lab else None
        rows.append(
            {
                "student": student,
                "result": result,
                "last_activity": provisioning.last_activity(student),
                "events": provisioning.recent_events(student, 3),
            }
        )
    return {"classroom": room, "lab": lab, "rows": rows}


@instructor_required
def classroom(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    context = _grid(room)
    context.update(
        student_form=forms.StudentForm(),
        roster_form=forms.RosterForm(),
        limits_form=forms.LimitsForm(instance=room),
        lab_form=forms.LabForm(initial={"lab": room.lab_slug}),
    )
    return _page(request, "classrooms/classroom.html", context)


@instructor_required
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid alone, for htmx polling."""
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    return _page(request, "classrooms/grid.html", _grid(room))


def _back(room: Classroom) -> HttpResponse:
    return HttpResponseRedirect(reverse("classrooms:classroom", args=[room.pk]))


def _unconfirmed(
    request: HttpRequest,
    room: Classroom,
    *,
    title: str,
    message: str,
    button: str,
    students: list[Student] | tuple = (),
    fields: tuple[str, ...] = (),
) -> HttpResponse | None:
    """None once the instructor has confirmed an action that destroys students' work
    (the POST carries confirm=yes); otherwise the page that asks, which posts the same
    `fields` again with the confirmation. Without it nothing is done."""
    if request.POST.get("confirm") == "yes":
        return None
    context = {
        "classroom": room,
        "title": title,
        "message": message,
        "button": button,
        "students": students,
        "action": request.path,
        "fields": [(name, request.POST[name]) for name in fields if name in request.POST],
    }
    return _page(request, "classrooms/confirm.html", context)


@instructor_required
@require_POST
def add_student(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    form = forms.StudentForm(request.POST)
    if form.is_valid():
        try:
            provisioning.add_student(room, form.cleaned_data["name"], form.cleaned_data["email"])
            messages.success(request, f"Added {form.cleaned_data['name']} with a new sandbox.")
        except provisioning.RosterError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Give the student's name and a valid email address.")
    return _back(room)


@instructor_required
@require_POST
def add_roster(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    form = forms.RosterForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = provisioning.add_roster(room, form.text())
            messages.success(request, f"Added {len(added)} students, each with a sandbox.")
        except provisioning.RosterError as error:
            messages.error(request, f"Nothing was added: {error}")
    return _back(room)


@instructor_required
@require_POST
def limits(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    form = forms.LimitsForm(request.POST, instance=room)
    if form.is_valid():
        form.save()
        messages.success(request, "Limits saved. They apply to the next call of every sandbox.")
    else:
        messages.error(request, "Limits not saved: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()
        ))  # fmt: skip
    return _back(room)


@instructor_required
@require_POST
def assign_lab(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    form = forms.LabForm(request.POST)
    if form.is_valid():
        slug = form.cleaned_data["lab"]
        lab = labs.get(slug) if slug else None
        asking = _unconfirmed(
            request,
            room,
            title=f"Assign {lab.title}" if lab else "Remove the assigned lab",
            message=(
                "Assigning a lab resets every student's sandbox: everything in it is "
                "deleted and the lab's starting state is set up again."
            ),
            button="Reset sandboxes and assign",
            students=list(room.students.exclude(account__isnull=True)),
            fields=("lab",),
        )
        if asking is not None:
            return asking
        provisioning.assign_lab(room, form.cleaned_data["lab"])
        messages.success(request, "Lab assigned; every sandbox was reset to its starting state.")
    return _back(room)


@instructor_required
@require_POST
def student_action(request: HttpRequest, pk: int, student: int, action: str) -> HttpResponse:
    room = _classroom(request, pk)
    found = _student(room, student) if room else None
    if found is None:
        return _not_found(request)
    if action == "reset":
        asking = _unconfirmed(
            request,
            room,
            title=f"Reset {found.name}'s sandbox",
            message=(
                f"Everything in {found.name}'s sandbox is deleted and it starts again "
                + ("empty." if request.POST.get("empty") == "1" else "from the lab's start.")
            ),
            button="Reset sandbox",
            students=[found],
            fields=("empty",),
        )
        if asking is not None:
            return asking
        provisioning.reset_sandbox(found, empty=request.POST.get("empty") == "1")
        messages.success(request, f"{found.name}'s sandbox was reset.")
    elif action in ("suspend", "resume"):
        provisioning.set_suspended(found, action == "suspend")
        messages.success(request, f"{found.name}'s sandbox is {action}d.")
    elif action == "sandbox":
        provisioning.create_sandbox(found)
    else:
        return _not_found(request)
    return _back(room)


@instructor_required
@require_POST
def reset_all(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    empty = request.POST.get("empty") == "1"
    students = list(room.students.exclude(account__isnull=True))
    asking = _unconfirmed(
        request,
        room,
        title="Reset all sandboxes" + (" to empty" if empty else ""),
        message=(
            "Everything in every student's sandbox is deleted and each starts again "
            + ("empty." if empty else "from the lab's start.")
        ),
        button="Reset all sandboxes",
        students=students,
        fields=("empty",),
    )
    if asking is not None:
        return asking
    for student in students:
        provisioning.reset_sandbox(student, empty=empty)
    messages.success(request, "Every sandbox was reset.")
    return _back(room)


@instructor_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    name = room.name
    provisioning.delete_classroom(room)
    messages.success(request, f"Deleted {name} and every sandbox in it.")
    return HttpResponseRedirect(reverse("classrooms:home"))


@instructor_required
def credentials(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable credentials sheet: one card per student."""
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    cards = [
        provisioning.credentials(s) for s in room.students.select_related("account") if s.account
    ]
    return _page(request, "classrooms/credentials.html", {"classroom": room, "cards": cards})


_SANDBOX_SECTIONS = (
    "ec2.instances", "ec2.vpcs", "ec2.subnets", "ec2.security_groups", "ec2.volumes",
    "ec2.snapshots", "iam.users", "iam.groups", "iam.roles",
)  # fmt: skip


@instructor_required
def sandbox(request: HttpRequest, pk: int, student: int) -> HttpResponse:
    """A read-only look into one student's sandbox: what the Describe calls show."""
    room = _classroom(request, pk)
    found = _student(room, student) if room else None
    if found is None or found.account is None:
        return _not_found(request)
    lab = provisioning.assigned_lab(room)
    reader = catalog.Reader(found.account, lab.region if lab else "us-east-1")
    sections = [(name, reader.items(name)) for name in _SANDBOX_SECTIONS]
    return _page(
        request,
        "classrooms/sandbox.html",
        {
            "classroom": room,
            "student": found,
            "result": provisioning.progress(found) if lab else None,
            "sections": sections,
            "events": provisioning.recent_events(found, 25),
        },
    )


@instructor_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    room = _classroom(request, pk)
    if room is None:
        return _not_found(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="classroom-{room.pk}-results.csv"'
    write_results(response, room)
    return response


def write_results(out, room: Classroom) -> None:
    """name, email, account, lab, score, then each step's first pass time."""
    lab = provisioning.assigned_lab(room)
    steps = lab.steps if lab else ()
    writer = csv.writer(out)
    writer.writerow(
        ["name", "email", "account_id", "lab", "score", "last_activity"]
        + [f"step {s.number}: {s.title}" for s in steps]
    )
    for student in room.students.select_related("account"):
        result = provisioning.progress(student) if lab else None
        activity = provisioning.last_activity(student)
        writer.writerow(
            [
                student.name,
                student.email,
                student.account_id or "",
                room.lab_slug,
                result.score if result else "",
                activity.isoformat() if activity else "",
            ]
            + [student.passed_steps.get(str(s.number), "") if result else "" for s in steps]
        )
