"""The classrooms REST API: a learning platform provisions a class and pulls grades."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from .conftest import student_caller


def basic(username: str, password: str) -> APIClient:
    client = APIClient()
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


@pytest.fixture
def lms(instructor) -> APIClient:
    return basic("teacher", "chalk and blackboard")


def test_provision_a_class_and_pull_grades(lms):
    created = lms.post(
        "/api/v1/classrooms/",
        {"name": "Cloud 101", "allowed_instance_types": ["t3.micro"], "max_instances": 2},
        format="json",
    )
    assert created.status_code == 201, created.content
    room = created.json()
    assert room["limits"]["allowed_instance_types"] == ["t3.micro"]
    students = lms.post(
        f"/api/v1/classrooms/{room['id']}/students/",
        {"roster": "Ada,ada@example.com\nAlan,alan@example.com"},
        format="json",
    ).json()
    assert [s["name"] for s in students] == ["Ada", "Alan"]
    assert students[0]["credentials"]["access_key_id"].startswith("AKIA")
    patched = lms.patch(
        f"/api/v1/classrooms/{room['id']}/", {"lab": "first_ec2_instance"}, format="json"
    )
    assert patched.json()["lab"] == "first_ec2_instance"
    from services.classrooms.models import Student

    ada = Student.objects.get(email="ada@example.com")
    student_caller(ada).ec2("CreateKeyPair", KeyName="lab-key")
    results = lms.get(f"/api/v1/classrooms/{room['id']}/results/").json()
    by_email = {r["email"]: r for r in results["students"]}
    assert by_email["ada@example.com"]["result"]["score"] == 20
    assert by_email["ada@example.com"]["result"]["steps"][0]["passed"] is True
    assert by_email["alan@example.com"]["result"]["score"] == 0
    suspended = lms.post(f"/api/v1/classrooms/{room['id']}/students/{ada.pk}/suspend/")
    assert suspended.json()["status"] == "suspended"
    labs = lms.get("/api/v1/labs/").json()
    assert "custom_vpc" in {lab["slug"] for lab in labs}
    assert lms.delete(f"/api/v1/classrooms/{room['id']}/").status_code == 204
    assert lms.get(f"/api/v1/classrooms/{room['id']}/").status_code == 404


def test_bad_input_is_a_400_and_changes_nothing(lms):
    room = lms.post("/api/v1/classrooms/", {"name": "C"}, format="json").json()
    bad = lms.patch(f"/api/v1/classrooms/{room['id']}/", {"lab": "no_such_lab"}, format="json")
    assert bad.status_code == 400
    bad = lms.patch(f"/api/v1/classrooms/{room['id']}/", {"max_instances": -1}, format="json")
    assert bad.status_code == 400
    bad = lms.post(
        f"/api/v1/classrooms/{room['id']}/students/", {"roster": "no email"}, format="json"
    )
    assert bad.status_code == 400
    assert lms.get(f"/api/v1/classrooms/{room['id']}/students/").json() == []


def test_the_api_needs_an_instructor(classroom):
    assert APIClient().get("/api/v1/classrooms/").status_code in (401, 403)
    assert basic("teacher", "wrong").get("/api/v1/classrooms/").status_code in (401, 403)
    # A sandbox's access key is no instructor.
    from services.classrooms import provisioning

    sheet = provisioning.credentials(classroom.students.first())
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {sheet['access_key_id']}:{sheet['secret_access_key']}"
    )
    assert client.get("/api/v1/classrooms/").status_code in (401, 403)


def test_an_instructor_cannot_reach_another_instructors_classroom(lms, classroom):
    User.objects.create_user("other", "o@example.com", "another password")
    other = basic("other", "another password")
    assert other.get("/api/v1/classrooms/").json() == []
    ada = classroom.students.first()
    for response in (
        other.get(f"/api/v1/classrooms/{classroom.pk}/"),
        other.get(f"/api/v1/classrooms/{classroom.pk}/students/"),
        other.get(f"/api/v1/classrooms/{classroom.pk}/results/"),
        other.post(f"/api/v1/classrooms/{classroom.pk}/students/{ada.pk}/reset/"),
        other.delete(f"/api/v1/classrooms/{classroom.pk}/"),
    ):
        assert response.status_code == 404
    assert lms.get(f"/api/v1/classrooms/{classroom.pk}/").status_code == 200
