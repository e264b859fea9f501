"""The classroom API checks its bodies against the schema it publishes: bad input is a
400 problem document (a 409 for a student already on the roster), never a 500."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

PROBLEM = "application/problem+json"


@pytest.fixture
def lms(db) -> APIClient:
    from django.contrib.auth.models import User

    User.objects.create_user("teacher", "teacher@example.com", "chalk and blackboard")
    client = APIClient()
    token = base64.b64encode(b"teacher:chalk and blackboard").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


@pytest.fixture
def room(lms) -> int:
    response = lms.post("/api/v1/classrooms/", {"name": "Cloud 101"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 129},
        {"name": 5},
        {"name": "a\x00b"},
        {"name": "C", "lab": "../../etc"},
        {"name": "C", "lab": "lab\x00"},
        {"name": "C", "max_instances": 2**40},
        {"name": "C", "max_instances": -1},
        {"name": "C", "max_instances": True},
        {"name": "C", "allowed_regions": "us-east-1"},
        {"name": "C", "allowed_regions": ["\x00"]},
        {"name": "C", "colour": "blue"},
    ],
)
def test_a_classroom_body_the_schema_refuses_is_a_400(lms, body):
    from services.classrooms.models import Classroom

    refused(lms.post("/api/v1/classrooms/", body, format="json"))
    assert not Classroom.objects.exists()


def test_a_classroom_takes_null_for_no_lab_and_no_limit(lms, room):
    response = lms.patch(
        f"/api/v1/classrooms/{room}/", {"lab": None, "max_instances": None}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["lab"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ada", "email": "not an email"},
        {"name": "x" * 129, "email": "ada@example.com"},
        {"name": "Ada", "email": "a" * 250 + "@example.com"},
        {"name": "Ada"},
        {"roster": "Ada," + "a" * 250 + "@example.com"},
        {"roster": "x" * 200 + ",ada@example.com"},
        {"roster": "Ada,ada@example.com\x00"},
    ],
)
def test_a_student_the_schema_refuses_is_a_400(lms, room, body):
    from services.classrooms.models import Student

    refused(lms.post(f"/api/v1/classrooms/{room}/students/", body, format="json"))
    assert not Student.objects.exists()


def test_a_student_already_on_the_roster_is_a_409(lms, room):
    url = f"/api/v1/classrooms/{room}/students/"
    body = {"name": "Ada", "email": "ada@example.com"}
    assert lms.post(url, body, format="json").status_code == 201
    assert refused(lms.post(url, body, format="json"), 409)["code"] == "Conflict"


def test_an_unknown_student_action_is_a_404(lms, room):
    refused(lms.post(f"/api/v1/classrooms/{room}/students/1/explode/", {}, format="json"), 404)
