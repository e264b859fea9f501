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

import functools
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import path
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.classrooms import errors as classrooms_errors
from services.classrooms import labs, provisioning
from services.classrooms.models import Classroom, Student
from services.classrooms.signin import InstructorBasicAuthentication
from services.core.api import validation
from services.core.api.schema import errors
from services.core.api.views import StrictJSONParser


class InstructorBasicScheme(BasicScheme):
    """The OpenAPI name of the instructors' Basic auth (with its sign-in lockout)."""

    target_class = InstructorBasicAuthentication


_LIMITS = (
    "allowed_regions", "allowed_services", "allowed_instance_types", "max_instances",
    "max_vcpus", "max_volumes", "max_elastic_ips", "session_minutes",
)  # fmt: skip


class IsInstructor(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user is not None and getattr(user, "is_authenticated", False) and user.pk)


class InstructorView(APIView):
    """For instructors (HTTP Basic or the instructor's session); each sees only their
    own classrooms. Bodies are JSON objects; errors are problem documents."""

    authentication_classes = [
        InstructorBasicAuthentication,
        authentication.SessionAuthentication,
    ]
    permission_classes = [IsInstructor]
    parser_classes = [StrictJSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        validation.check_request_text(request.query_params, kwargs)

    def body(self, request: Request, schema: dict) -> dict:
        """The JSON object of the request, valid for `schema` (ValidationError if not)."""
        data = request.data
        if isinstance(data, dict) and not data:
            data = {}
        if not isinstance(data, dict):
            raise ValidationError("The request body must be a JSON object.")
        validation.check_body(data)
        validation.check_against(schema, data, "query")
        return dict(data)

    def classroom(self, request: Request, pk: int) -> Classroom:
        room = Classroom.objects.filter(pk=pk, instructor=request.user).first()
        if room is None:
            raise NotFound(f"Classroom {pk} not found.")
        return room


# --- the OpenAPI description: bodies, answers and errors ---------------------------------

_COUNT = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1, "nullable": True}
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}}
_LIMIT_SCHEMAS = {
    "allowed_regions": {**_NAMES, "description": "Regions students may use ([] for all)."},
    "allowed_services": {**_NAMES, "description": "Services (IAM prefixes: ec2, iam; [] all)."},
    "allowed_instance_types": {**_NAMES, "description": "Instance types ([] for all)."},
    "max_instances": {**_COUNT, "description": "Running instances per sandbox (null: none)."},
    "max_vcpus": {**_COUNT, "description": "vCPUs per sandbox (null: no limit)."},
    "max_volumes": {**_COUNT, "description": "Volumes per sandbox (null: no limit)."},
    "max_elastic_ips": {**_COUNT, "description": "Elastic IPs per sandbox (null: no limit)."},
    "session_minutes": {**_COUNT, "description": "Console session length (null: default)."},
}


@functools.cache
def _classroom_body(*, create: bool) -> dict:
    slugs = [lab.slug for lab in labs.all_labs()]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 128},
            "lab": {
                "type": "string",
                "enum": ["", *slugs, None],
                "nullable": True,
                "description": "The lab to assign (empty or null: none); every sandbox is "
                "reset to its starting state.",
            },
            **_LIMIT_SCHEMAS,
        },
        "additionalProperties": False,
    }
    if create:
        schema["required"] = ["name"]
    return schema


_STUDENT_NAME = {"type": "string", "minLength": 1, "maxLength": 128}
_EMAIL = {"type": "string", "format": "email", "minLength": 3, "maxLength": 200}
_STUDENTS_BODY = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"name": _STUDENT_NAME, "email": _EMAIL},
            "required": ["name", "email"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "roster": {
                    "type": "string",
                    "maxLength": 100_000,
                    "description": "CSV lines `name,email` (a header line is skipped).",
                }
            },
            "required": ["roster"],
            "additionalProperties": False,
        },
    ]
}
_RESET_BODY = {
    "type": "object",
    "properties": {
        "empty": {"type": "boolean", "description": "reset: empty the sandbox (no lab state)."}
    },
    "additionalProperties": False,
}
_CLASSROOM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "lab": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "limits": {"type": "object", "properties": _LIMIT_SCHEMAS},
        "students": {"type": "integer"},
    },
    "required": ["id", "name", "lab", "created_at", "limits", "students"],
}
_STUDENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "account_id": {"type": "string", "nullable": True},
        "status": {"type": "string", "example": "active"},
        "credentials": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["id", "name", "email", "account_id", "status"],
}
_RESULTS = {
    "type": "object",
    "properties": {
        "classroom": {"type": "integer"},
        "lab": {"type": "string", "nullable": True},
        "students": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "student": {"type": "integer"},
                    "name": {"type": "string"},
                    "email": {"type": "string"},
                    "account_id": {"type": "string", "nullable": True},
                    "last_activity": {"type": "string", "format": "date-time", "nullable": True},
                    "passed_steps": {"type": "object"},
                    "result": {"type": "object", "nullable": True},
                },
            },
        },
    },
}
_LAB = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "estimated_minutes": {"type": "integer", "nullable": True},
        "fidelity_rules": {"type": "array", "items": {"type": "string"}},
        "steps": {"type": "array", "items": {"type": "string"}},
    },
}
# Basic authentication answers 429 while a user name is locked out after failed sign-ins.
_READ = (400, 401, 403, 406, 429)
_ROOM = (*_READ, 404)
_WRITE = (*_ROOM, 409, 415)
# drf-spectacular names a `pk` path parameter `id`.
_PK = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, OpenApiParameter.PATH
)
_STUDENT_PK = OpenApiParameter(
    "student", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, OpenApiParameter.PATH
)


def _doc(operation_id: str, summary: str, responses: dict, **kwargs: Any):
    return extend_schema(
        tags=["classrooms"],
        operation_id=operation_id,
        summary=summary,
        responses=responses,
        **kwargs,
    )


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
    """Set what `data` (valid for `_classroom_body`) names on `room`."""
    if "name" in data:
        room.name = data["name"]
    for key in _LIMITS:
        if key in data:
            setattr(room, key, data[key])
    room.save()
    if "lab" in data:
        slug = data["lab"] or ""
        try:
            provisioning.assign_lab(room, slug)
        except labs.LabError as error:
            raise ValidationError({"lab": str(error)}) from error


def _check_student(name: str, email: str) -> None:
    if not name.strip() or len(name.strip()) > 128:
        raise ValidationError({"name": "a name of 1 to 128 characters"})
    try:
        validate_email(email.strip())
    except DjangoValidationError:
        raise ValidationError({"email": f"{email[:200]!r} is not a valid email"}) from None
    if len(email.strip()) > 200:
        raise ValidationError({"email": "an email of at most 200 characters"})


class ClassroomList(InstructorView):
    @_doc(
        "classrooms_list",
        "My classrooms",
        {200: {"type": "array", "items": _CLASSROOM}, **errors(*_READ)},
    )
    def get(self, request: Request) -> Response:
        return Response([classroom_json(r) for r in request.user.classrooms.all()])

    @_doc(
        "classrooms_create",
        "Create a classroom",
        {201: _CLASSROOM, **errors(*_WRITE)},
        request={"application/json": _classroom_body(create=True)},
    )
    def post(self, request: Request) -> Response:
        data = self.body(request, _classroom_body(create=True))
        with transaction.atomic():
            room = Classroom.objects.create(instructor=request.user, name=data["name"])
            _apply(room, data)
        return Response(classroom_json(room), status=status.HTTP_201_CREATED)


class ClassroomDetail(InstructorView):
    @_doc(
        "classrooms_retrieve",
        "One classroom",
        {200: _CLASSROOM, **errors(*_ROOM)},
        parameters=[_PK],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(classroom_json(self.classroom(request, pk)))

    @_doc(
        "classrooms_update",
        "Change a classroom's name, lab or limits",
        {200: _CLASSROOM, **errors(*_WRITE)},
        parameters=[_PK],
        request={"application/json": _classroom_body(create=False)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        data = self.body(request, _classroom_body(create=False))
        with transaction.atomic():
            _apply(room, data)
        return Response(classroom_json(room))

    @_doc(
        "classrooms_delete",
        "Delete a classroom and its sandboxes",
        {204: None, **errors(*_ROOM)},
        parameters=[_PK],
    )
    def delete(self, request: Request, pk: int) -> Response:
        provisioning.delete_classroom(self.classroom(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudentList(InstructorView):
    @_doc(
        "classrooms_students_list",
        "The roster, with each sandbox's credentials",
        {200: {"type": "array", "items": _STUDENT}, **errors(*_ROOM)},
        parameters=[_PK],
    )
    def get(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        return Response([student_json(s) for s in room.students.select_related("account")])

    @_doc(
        "classrooms_students_create",
        "Add a student, or a roster of them, each with a sandbox",
        {201: {"type": "array", "items": _STUDENT}, **errors(*_WRITE)},
        parameters=[_PK],
        request={"application/json": _STUDENTS_BODY},
    )
    def post(self, request: Request, pk: int) -> Response:
        room = self.classroom(request, pk)
        data = self.body(request, _STUDENTS_BODY)
        try:
            if "roster" in data:
                for name, email in provisioning.parse_roster(data["roster"]):
                    _check_student(name, email)
                added = provisioning.add_roster(room, data["roster"])
            else:
                _check_student(data["name"], data["email"])
                if room.students.filter(email=data["email"].strip().lower()).exists():
                    raise classrooms_errors.Conflict(
                        f"{data['email'].strip()} is already on the roster."
                    )
                added = [provisioning.add_student(room, data["name"], data["email"])]
        except provisioning.RosterError as error:
            raise ValidationError({"roster": str(error)}) from error
        return Response([student_json(s) for s in added], status=status.HTTP_201_CREATED)


class StudentAction(InstructorView):
    @_doc(
        "classrooms_students_action",
        "Reset, suspend or resume a student's sandbox",
        {200: _STUDENT, **errors(*_WRITE)},
        parameters=[
            _PK,
            _STUDENT_PK,
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=["reset", "suspend", "resume"]
            ),
        ],
        request={"application/json": _RESET_BODY},
    )
    def post(self, request: Request, pk: int, student: int, action: str) -> Response:
        room = self.classroom(request, pk)
        found = room.students.select_related("account").filter(pk=student).first()
        if found is None:
            raise NotFound(f"Student {student} not found.")
        if action not in ("reset", "suspend", "resume"):
            raise NotFound(f"No action {action}.")
        data = self.body(request, _RESET_BODY)
        if action == "reset":
            provisioning.reset_sandbox(found, empty=bool(data.get("empty")))
        else:
            provisioning.set_suspended(found, action == "suspend")
        found.refresh_from_db()
        return Response(student_json(found))


class Results(InstructorView):
    @_doc(
        "classrooms_results",
        "Each student's lab result",
        {200: _RESULTS, **errors(*_ROOM)},
        parameters=[_PK],
    )
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
    @_doc(
        "labs_list",
        "The labs one can assign",
        {200: {"type": "array", "items": _LAB}, **errors(*_READ)},
    )
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
