"""Issue 11, "Also": instructor actions that destroy students' work (Reset, Reset all,
Assign lab, which resets every sandbox) ask first, as Delete classroom does. Without
the confirmation they change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from services.classrooms import provisioning
from services.classrooms.models import Classroom

from .conftest import student_caller


@pytest.fixture
def teacher_client(instructor) -> Client:
    client = Client()
    client.post("/instructor/signin", {"username": "teacher", "password": "chalk and blackboard"})
    return client


@pytest.fixture
def work(classroom):
    """A volume in each student's sandbox: the work a reset would delete."""
    for student in classroom.students.all():
        student_caller(student).ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=1)
    return classroom


def volumes(room: Classroom) -> list[int]:
    return [len(student_caller(s).ec2("DescribeVolumes")["Volumes"]) for s in room.students.all()]


def test_reset_all_asks_first_and_does_nothing_unconfirmed(teacher_client, work):
    url = f"/instructor/classrooms/{work.pk}/reset/"
    page = teacher_client.post(url, {"empty": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reset all sandboxes to empty?" in text and "Ada Lovelace" in text
    assert 'name="confirm" value="yes"' in text and 'name="empty" value="1"' in text
    assert volumes(work) == [1, 1, 1]
    done = teacher_client.post(url, {"empty": "1", "confirm": "yes"})
    assert done.status_code == 302
    assert volumes(work) == [0, 0, 0]


def test_reset_of_one_student_asks_first(teacher_client, work):
    ada = work.students.get(email="ada@example.com")
    url = f"/instructor/classrooms/{work.pk}/students/{ada.pk}/reset/"
    page = teacher_client.post(url)
    assert "Reset Ada Lovelace&#x27;s sandbox?" in page.content.decode()
    assert volumes(work) == [1, 1, 1]
    teacher_client.post(url, {"confirm": "yes"})
    assert volumes(work) == [0, 1, 1]  # ordered by name: Ada first


def test_assign_lab_asks_first_and_assigns_nothing_unconfirmed(teacher_client, work):
    url = f"/instructor/classrooms/{work.pk}/lab/"
    page = teacher_client.post(url, {"lab": "first_ec2_instance"})
    text = page.content.decode()
    assert "Assign Your first EC2 instance?" in text
    assert 'name="lab" value="first_ec2_instance"' in text
    work.refresh_from_db()
    assert work.lab_slug == "" and volumes(work) == [1, 1, 1]
    teacher_client.post(url, {"lab": "first_ec2_instance", "confirm": "yes"})
    work.refresh_from_db()
    assert work.lab_slug == "first_ec2_instance" and volumes(work) == [0, 0, 0]


def test_the_confirmation_page_keeps_the_classroom_private(teacher_client, work):
    from django.contrib.auth.models import User

    other = User.objects.create_user("other", "o@example.com", "another password")
    theirs = Classroom.objects.create(instructor=other, name="Secret class")
    provisioning.add_student(theirs, "Eve", "eve@example.com")
    for path in ("reset/", "lab/"):
        response = teacher_client.post(f"/instructor/classrooms/{theirs.pk}/{path}", {"lab": ""})
        assert response.status_code == 404
        assert "Eve" not in response.content.decode()
