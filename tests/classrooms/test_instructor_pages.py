"""The instructor area: sign-in, classrooms from a pasted CSV, the grid, the credentials
sheet, the CSV export; an instructor never sees another's classroom."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from services.classrooms import provisioning
from services.classrooms.models import Classroom

from .conftest import student_caller


@pytest.fixture
def teacher_client(instructor) -> Client:
    client = Client()
    response = client.post(
        "/instructor/signin", {"username": "teacher", "password": "chalk and blackboard"}
    )
    assert response.status_code == 302
    return client


def test_the_instructor_area_needs_an_instructor(db):
    response = Client().get("/instructor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/instructor/signin")


def test_a_wrong_password_is_refused(instructor):
    response = Client().post("/instructor/signin", {"username": "teacher", "password": "nope"})
    assert "Your user name or password is incorrect." in response.content.decode()


def test_instructor_creates_a_classroom_from_pasted_csv(teacher_client):
    response = teacher_client.post("/instructor/", {"name": "Cloud 101"})
    room = Classroom.objects.get(name="Cloud 101")
    assert response["Location"] == f"/instructor/classrooms/{room.pk}/"
    teacher_client.post(
        f"/instructor/classrooms/{room.pk}/roster/",
        {"roster": "Ada,ada@example.com\nAlan,alan@example.com\nGrace,grace@example.com"},
    )
    page = teacher_client.get(f"/instructor/classrooms/{room.pk}/").content.decode()
    assert "Added 3 students, each with a sandbox." in page
    for name in ("Ada", "Alan", "Grace"):
        assert name in page
    sheet = teacher_client.get(f"/instructor/classrooms/{room.pk}/credentials/").content.decode()
    for student in room.students.all():
        assert student.initial_password in sheet
        assert student.account.root_email in sheet


def test_the_grid_shows_passed_steps_and_the_csv_exports_them(teacher_client, classroom):
    provisioning.assign_lab(classroom, "first_ec2_instance")
    ada = classroom.students.get(email="ada@example.com")
    student_caller(ada).ec2("CreateKeyPair", KeyName="lab-key")
    grid = teacher_client.get(f"/instructor/classrooms/{classroom.pk}/grid/").content.decode()
    ada_row = grid.split('data-student="ada@example.com"')[1].split("</tr>")[0]
    assert ada_row.count("Passed") == 1 and "20%" in ada_row
    assert "CreateKeyPair" in ada_row
    exported = teacher_client.get(f"/instructor/classrooms/{classroom.pk}/results.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:5] == ["name", "email", "account_id", "lab", "score"]
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email["ada@example.com"][4] == "20"
    assert by_email["ada@example.com"][6]  # step 1's first pass time
    assert by_email["alan@example.com"][4] == "0"


def test_limits_form_saves_and_applies(teacher_client, classroom):
    teacher_client.post(
        f"/instructor/classrooms/{classroom.pk}/limits/",
        {"regions": "us-east-1", "services": "ec2, iam", "instance_types": "t3.micro",
         "max_instances": "2"},
    )  # fmt: skip
    classroom.refresh_from_db()
    assert classroom.allowed_instance_types == ["t3.micro"]
    assert classroom.allowed_services == ["ec2", "iam"]
    assert classroom.max_instances == 2


def test_suspend_and_resume_from_the_grid(teacher_client, classroom):
    ada = classroom.students.get(email="ada@example.com")
    base = f"/instructor/classrooms/{classroom.pk}/students/{ada.pk}"
    teacher_client.post(f"{base}/suspend/")
    ada.account.refresh_from_db()
    assert ada.account.status == "suspended"
    teacher_client.post(f"{base}/resume/")
    ada.account.refresh_from_db()
    assert ada.account.status == "active"


def test_read_only_drill_into_a_sandbox(teacher_client, classroom):
    ada = classroom.students.get(email="ada@example.com")
    volume = student_caller(ada).ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=3)
    page = teacher_client.get(f"/instructor/classrooms/{classroom.pk}/students/{ada.pk}/")
    assert volume["VolumeId"] in page.content.decode()
    assert "CreateVolume" in page.content.decode()


def test_an_instructor_cannot_see_another_instructors_classroom(teacher_client, classroom):
    other = User.objects.create_user("other", "o@example.com", "another password")
    theirs = Classroom.objects.create(instructor=other, name="Secret class")
    student = provisioning.add_student(theirs, "Eve", "eve@example.com")
    for url in (
        f"/instructor/classrooms/{theirs.pk}/",
        f"/instructor/classrooms/{theirs.pk}/grid/",
        f"/instructor/classrooms/{theirs.pk}/credentials/",
        f"/instructor/classrooms/{theirs.pk}/results.csv",
        f"/instructor/classrooms/{theirs.pk}/students/{student.pk}/",
    ):
        response = teacher_client.get(url)
        assert response.status_code == 404, url
        assert student.initial_password not in response.content.decode()
    assert teacher_client.post(f"/instructor/classrooms/{theirs.pk}/delete/").status_code == 404
    # Nor a student of theirs through a classroom of mine.
    url = f"/instructor/classrooms/{classroom.pk}/students/{student.pk}/"
    assert teacher_client.get(url).status_code == 404
    assert Classroom.objects.filter(pk=theirs.pk).exists()
    assert "Secret class" not in teacher_client.get("/instructor/").content.decode()


def test_delete_classroom_from_its_page(teacher_client, classroom):
    response = teacher_client.post(f"/instructor/classrooms/{classroom.pk}/delete/")
    assert response["Location"] == "/instructor/"
    assert not Classroom.objects.filter(pk=classroom.pk).exists()


def test_the_student_lab_page_ticks_steps(classroom):
    provisioning.assign_lab(classroom, "first_ec2_instance")
    ada = classroom.students.get(email="ada@example.com")
    sheet = provisioning.credentials(ada)
    client = Client()
    client.post("/signin", {"email": sheet["sign_in_email"], "password": sheet["password"]})
    page = client.get("/lab/").content.decode()
    assert "Your first EC2 instance" in page
    assert 'data-step="1" data-passed="false"' in page
    student_caller(ada).ec2("CreateKeyPair", KeyName="lab-key")
    panel = client.get("/lab/panel/").content.decode()
    assert 'data-step="1" data-passed="true"' in panel
    assert "20%" in panel


def test_console_pages_offer_the_lab_drawer_to_students_only(classroom, account):
    provisioning.assign_lab(classroom, "first_ec2_instance")
    ada = classroom.students.get(email="ada@example.com")
    sheet = provisioning.credentials(ada)
    client = Client()
    client.post("/signin", {"email": sheet["sign_in_email"], "password": sheet["password"]})
    page = client.get("/home/").content.decode()
    assert 'id="lab-drawer"' in page and "/lab/panel/" in page
    outsider = Client()
    outsider.post("/signin", {"email": account.root_email, "password": "correct horse battery"})
    assert 'id="lab-drawer"' not in outsider.get("/home/").content.decode()


def test_reset_all_to_empty_or_to_the_lab(teacher_client, classroom):
    provisioning.assign_lab(classroom, "sg_vs_nacl")
    callers = [student_caller(s) for s in classroom.students.all()]

    def vpc_counts() -> list[int]:
        return [len(c.ec2("DescribeVpcs")["Vpcs"]) for c in callers]

    assert vpc_counts() == [2, 2, 2]  # the default VPC and the lab's web-vpc
    url = f"/instructor/classrooms/{classroom.pk}/reset/"
    teacher_client.post(url, {"empty": "1", "confirm": "yes"})
    assert vpc_counts() == [1, 1, 1]
    teacher_client.post(url, {"confirm": "yes"})
    assert vpc_counts() == [2, 2, 2]
