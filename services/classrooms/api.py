"""The REST API of classrooms, for a learning platform to provision a class and pull
grades. Instructors authenticate with HTTP Basic (user name and password) or their
instructor session; each sees only their own classrooms (any other id is a 404).

    GET    /api/v1/classrooms/                               my classrooms
    POST   /api/v1/classrooms/                               {name, lab?, limits...}
    GET    /api/v1/classrooms/<id>/                          one classroom
    PATCH  /api/v1/classrooms/<id>/                          limits, name, lab
    DELETE /api/v1/classrooms/<id>/                          it and every sandbox in it
    GET    /api/v1/classrooms/<id>/students/                 roster, sandboxes, credentials
    POST   /api/v1/classrooms/<id>/students/                 {name, email} or {roster: "csv"}
    POST   /api/v1/classrooms/<id>/students/<sid>/<action>/  reset | suspend | resume
    GET    /api/v1/classrooms/<id>/results/                  each student's lab result
    GET    /api/v1/labs/                                     the labs one can assign
"""

from __future__ import annotations

from django.db import transaction
from django.urls import path
from rest_framework import authentication, permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.classrooms import labs, provisioning
from services.classrooms.models import Classroom, Student
from services.classrooms.signin import InstructorBasicAuthentication

_LIMITS = (
    "allowed_regions", "allowed_services", "allowed_instance_types", "max_instances",
    "max_vcpus", "max_volumes", "max_elastic_ips", "session_minutes",
)  # fmt: skip


class IsInstructor(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user is not None and getattr(user, "is_authenticated", False) and user.pk)


class InstructorView(APIView):
    authentication_classes = [
        InstructorBasicAuthentication,
        authentication.SessionAuthentication,
    ]
    permission_classes = [IsInstructor]
    # Not in the sandbox API's OpenAPI document: that one describes the simulated cloud
    # and its two security schemes; this module's docstring documents these routes.
    schema = None

    def classroom(self, request: Request, pk: int) -> Classroom:
        room = Classroom.objects.filter(pk=pk, instructor=request.user).first()
        if room is None:
            raise NotFound(f"Classroom {pk} not found.")
        return room


def classroom_json(room: Classroom) -> dict:
    data = {"id": room.pk, "name": room.name, "lab": room.lab_slug or None}
    data["created_at"] = room.created_at.isoformat()
    data["limits"] = {key: getattr(room, key) for key in _LIMITS}
    data["students"] = room.students.count()
    return data


def student_json(student: Student) -> dict:
    data = {
        "id": student.pk,
        "name": student.name,
        "email": student.email,
        "account_id": student.account_id,
        "status": student.account.status if student.account else "no-sandbox",
    }
    if student.account:
        data["credentials"] = provisioning.credentials(student)
    return data


def _apply(room: Classroom, data: dict) -> None:
    if "name" in data:
        room.name = str(data["name"])[:128]
    for key in _LIMITS:
        if key in data:
            value = data[key]
            if key.startswith("allowed_") and not isinstance(value, list):
                raise ValidationError({key: "a list of strings"})
            if key.startswith(("max_", "session_")) and value is not None:
                if not isinstance(value, int) or value < 0:
                    raise ValidationError({key: "a whole number, or null for no limit"})
            setattr(room, key, value)
    room.save()
    if "lab" in data:
        slug = data["lab"] or ""
        try:
            provisioning.assign_lab(room, slug)
        except labs.LabError as error:
            raise ValidationError({"lab": str(error)}) from error


class ClassroomList(InstructorView):
    def get(self, request: Request) -> Response:
        return Response([classroom_json(r) for r in request.user.classrooms.all()])

    def post(self, request: Request) -> Response:
        if not request.data.get("name"):
            raise ValidationError({"name": "required"})
        with transaction.atomic():
            room = Classroom.objects.create(instructor=request.user, name=request.data["name"])
            _apply(room, request.data)
        return Response(classroom_json(room), status=status.HTTP_201_CREATED)


class ClassroomDetail(InstructorView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(classroom_json(self.classroom(request, pk)))

    def patch(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        _apply(room, request.data)
        return Response(classroom_json(room))

    def delete(self, request: Request, pk: int) -> Response:
        provisioning.delete_classroom(self.classroom(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudentList(InstructorView):
    def get(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        return Response([student_json(s) for s in room.students.select_related("account")])

    def post(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        try:
            if "roster" in request.data:
                added = provisioning.add_roster(room, str(request.data["roster"]))
            else:
                name, email = request.data.get("name"), request.data.get("email")
                if not name or not email or "@" not in str(email):
                    raise ValidationError({"email": "name and a valid email are required"})
                added = [provisioning.add_student(room, str(name), str(email))]
        except provisioning.RosterError as error:
            raise ValidationError({"roster": str(error)}) from error
        return Response([student_json(s) for s in added], status=status.HTTP_201_CREATED)


class StudentAction(InstructorView):
    def post(self, request: Request, pk: int, student: int, action: str) -> Response:
        room = self.classroom(request, pk)
        found = room.students.select_related("account").filter(pk=student).first()
        if found is None:
            raise NotFound(f"Student {student} not found.")
        if action == "reset":
            provisioning.reset_sandbox(found, empty=bool(request.data.get("empty")))
        elif action in ("suspend", "resume"):
            provisioning.set_suspended(found, action == "suspend")
        else:
            raise NotFound(f"No action {action}.")
        found.refresh_from_db()
        return Response(student_json(found))


class Results(InstructorView):
    def get(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        rows = []
        for student in room.students.select_related("account"):
            result = provisioning.progress(student)
            activity = provisioning.last_activity(student)
            rows.append(
                {
                    "student": student.pk,
                    "name": student.name,
                    "email": student.email,
                    "account_id": student.account_id,
                    "last_activity": activity.isoformat() if activity else None,
                    "passed_steps": student.passed_steps,
                    "result": result.as_json() if result else None,
                }
            )
        return Response({"classroom": room.pk, "lab": room.lab_slug or None, "students": rows})


class LabList(InstructorView):
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "slug": lab.slug,
                    "title": lab.title,
                    "summary": lab.summary,
                    "estimated_minutes": lab.estimated_minutes,
                    "fidelity_rules": list(lab.fidelity_rules),
                    "steps": [s.title for s in lab.steps],
                }
                for lab in labs.all_labs()
            ]
        )


urlpatterns = [
    path("classrooms/", ClassroomList.as_view(), name="api-classrooms"),
    path("classrooms/<int:pk>/", ClassroomDetail.as_view(), name="api-classroom"),
    path("classrooms/<int:pk>/students/", StudentList.as_view(), name="api-classroom-students"),
    path(
        "classrooms/<int:pk>/students/<int:student>/<str:action>/",
        StudentAction.as_view(),
        name="api-classroom-student-action",
    ),
    path("classrooms/<int:pk>/results/", Results.as_view(), name="api-classroom-results"),
    path("labs/", LabList.as_view(), name="api-labs"),
]
